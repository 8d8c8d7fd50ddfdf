"""Talking, rating and reporting: a booking's messages between its customer and its pro,
conversations with support, reviews (and the invitation to write one), reports.

Every row is written by feedback/services/ (audited, checked); the admin only reads them and
acts through those services. Invariants the database holds: one review per booking, a
rating from 1 to 5, one open report per reporter and object, one support conversation per
person, the original of a masked message kept only when something was masked.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import datefmt


class Side(models.TextChoices):
    """Which side of a booking someone speaks for."""

    CUSTOMER = "customer", _("Customer")
    PRO = "pro", _("Pro")


class Message(models.Model):
    """One message of a booking's conversation. `body` is what both parties read (contact
    details masked); `original_body` is kept, for support only, when something was masked:
    such a message is flagged for support."""

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("réservation"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expéditeur"),
    )
    sender_side = models.CharField(
        max_length=10, choices=Side.choices, verbose_name=_("côté de l'expéditeur")
    )
    body = models.TextField(verbose_name=_("texte"))
    original_body = models.TextField(blank=True, verbose_name=_("texte d'origine"))
    masked = ArrayField(
        models.CharField(max_length=10),
        default=list,
        blank=True,
        verbose_name=_("coordonnées masquées"),
    )
    is_flagged = models.BooleanField(default=False, verbose_name=_("signalé"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("envoyé le"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lu le"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["booking", "created_at"], name="message_thread"),
            # The per-sender rate limit counts the sender's last messages.
            models.Index(fields=["sender", "-created_at"], name="message_sender_recent"),
            # Unread badges: the few unread messages of a booking.
            models.Index(
                fields=["booking", "sender_side"],
                name="message_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            # Support's queue of flagged messages.
            models.Index(
                fields=["-created_at"], name="message_flagged", condition=models.Q(is_flagged=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="message_not_empty"),
            models.CheckConstraint(
                condition=models.Q(is_flagged=False, original_body="")
                | (models.Q(is_flagged=True) & ~models.Q(original_body="")),
                name="message_original_only_if_flagged",
            ),
        ]

    def __str__(self):
        return f"{self.get_sender_side_display()}, {datefmt.stamp(self.created_at)}"


class SupportConversation(models.Model):
    """A person's conversation with support (one per person): open while support has
    something to answer; closed by support; it reopens when the person writes again."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("support conversation status", "Open")
        CLOSED = "closed", _("Closed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_conversation",
        verbose_name=_("utilisateur"),
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("statut")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("ouverte le"))
    last_message_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("dernier message le")
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("clôturée le"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fermée par"),
    )

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("support conversation")
        verbose_name_plural = _("support conversations")
        indexes = [
            models.Index(
                fields=["last_message_at"],
                name="support_open_queue",
                condition=models.Q(status="open"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                name="support_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"


class SupportMessage(models.Model):
    """One message of a support conversation: from the person, or support's answer."""

    conversation = models.ForeignKey(
        SupportConversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    from_support = models.BooleanField(default=False, verbose_name=_("du support"))
    body = models.TextField(verbose_name=_("texte"))
    # The booking the message is about, if any (support sees it at hand).
    booking = models.ForeignKey(
        "bookings.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("réservation concernée"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("envoyé le"))
    # When the person read support's answer (null for their own messages until support reads).
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lu le"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("support message")
        verbose_name_plural = _("support messages")
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="support_thread"),
            models.Index(fields=["author", "-created_at"], name="support_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="support_message_not_empty"),
        ]

    def __str__(self):
        who = _("support") if self.from_support else self.author
        return f"{who}, {datefmt.stamp(self.created_at)}"


class Review(models.Model):
    """The customer's rating of a completed session: one per booking (a database
    constraint). A hidden review (support, with a reason) counts for nothing."""

    booking = models.OneToOneField(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="review",
        verbose_name=_("réservation"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("pro")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("client"),
    )
    rating = models.PositiveSmallIntegerField(verbose_name=_("note"))
    comment = models.TextField(blank=True, verbose_name=_("commentaire"))
    original_comment = models.TextField(
        blank=True, verbose_name=_("commentaire d'origine")
    )  # support only, when contacts were masked
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("publié le"))
    hidden_at = models.DateTimeField(null=True, blank=True, verbose_name=_("masqué le"))
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("masqué par"),
    )
    hidden_reason = models.CharField(
        max_length=500, blank=True, verbose_name=_("motif du masquage")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(
                fields=["pro", "-created_at"],
                name="review_pro_visible",
                condition=models.Q(hidden_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="review_hidden_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5, {datefmt.short_date(self.created_at)}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReviewInvitation(models.Model):
    """The e-mail inviting the customer to rate a completed session: sent once per booking."""

    booking = models.OneToOneField(
        "bookings.Booking",
        on_delete=models.CASCADE,
        related_name="review_invitation",
        verbose_name=_("réservation"),
    )
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("envoyée le"))

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")

    def __str__(self):
        return f"{_('invitation à donner un avis')}, {datefmt.short_date(self.sent_at)}"


class Report(models.Model):
    """Someone reports a proposal, a message or a behaviour at a session. Support handles it:
    dismiss, warn the reported person, or blacklist the reported customer."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal (inappropriate comment)")
        MESSAGE = "message", _("Message")
        CUSTOMER_BEHAVIOUR = "customer_behaviour", _("Customer's behaviour at a session")
        PRO_BEHAVIOUR = "pro_behaviour", _("Pro's behaviour at a session")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("report status", "Open")
        DISMISSED = "dismissed", _("Dismissed")
        WARNED = "warned", _("Warning sent")
        BLACKLISTED = "blacklisted", _("Customer blacklisted")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signalé par"),
    )
    reporter_side = models.CharField(
        max_length=10, choices=Side.choices, verbose_name=_("côté de l'auteur du signalement")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("type"))
    # "proposal:12", "message:7", "booking:3": one open report per reporter and object.
    object_key = models.CharField(max_length=40, verbose_name=_("objet signalé"))
    booking = models.ForeignKey(
        "bookings.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("réservation signalée"),
    )
    proposal = models.ForeignKey(
        "bookings.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposition signalée"),
    )
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("message signalé"),
    )
    reported_customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports_against",
        verbose_name=_("client signalé"),
    )
    reported_pro = models.ForeignKey(
        "pros.Pro",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports_against",
        verbose_name=_("pro signalé"),
    )
    details = models.TextField(blank=True, verbose_name=_("détails"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN, verbose_name=_("statut")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("signalé le"))
    handled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("traité le"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("traité par"),
    )
    handling_note = models.TextField(blank=True, verbose_name=_("note de traitement"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(
                fields=["created_at"], name="report_open_queue", condition=models.Q(status="open")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "object_key"],
                condition=models.Q(status="open"),
                name="report_once_while_open",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(reported_customer__isnull=False, reported_pro__isnull=True)
                    | models.Q(reported_customer__isnull=True, reported_pro__isnull=False)
                ),
                name="report_one_reported_party",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(handled_at__isnull=False),
                name="report_handled_has_time",
            ),
        ]

    def __str__(self):
        created = datefmt.short_date(self.created_at)
        return f"{self.get_kind_display()} ({self.get_status_display()}), {created}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
