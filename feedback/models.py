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


class Side(models.TextChoices):
    """Which side of a booking someone speaks for."""

    CUSTOMER = "customer", _("Customer")
    PRO = "pro", _("Pro")


class Message(models.Model):
    """One message of a booking's conversation. `body` is what both parties read (contact
    details masked); `original_body` is kept, for support only, when something was masked:
    such a message is flagged for support."""

    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender_side = models.CharField(max_length=10, choices=Side.choices)
    body = models.TextField()
    original_body = models.TextField(blank=True)
    masked = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    is_flagged = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

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
        return f"message #{self.pk} booking #{self.booking_id} ({self.sender_side})"


class SupportConversation(models.Model):
    """A person's conversation with support (one per person): open while support has
    something to answer; closed by support; it reopens when the person writes again."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_conversation"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        return f"support: {self.user} ({self.status})"


class SupportMessage(models.Model):
    """One message of a support conversation: from the person, or support's answer."""

    conversation = models.ForeignKey(
        SupportConversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_support = models.BooleanField(default=False)
    body = models.TextField()
    # The booking the message is about, if any (support sees it at hand).
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the person read support's answer (null for their own messages until support reads).
    read_at = models.DateTimeField(null=True, blank=True)

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
        return f"support message #{self.pk} ({'support' if self.from_support else 'person'})"


class Review(models.Model):
    """The customer's rating of a completed session: one per booking (a database
    constraint). A hidden review (support, with a reason) counts for nothing."""

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, related_name="review"
    )
    pro = models.ForeignKey("pros.Pro", on_delete=models.PROTECT, related_name="reviews")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    original_comment = models.TextField(blank=True)  # support only, when contacts were masked
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

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
        return f"review #{self.pk} booking #{self.booking_id}: {self.rating}/5"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ReviewInvitation(models.Model):
    """The e-mail inviting the customer to rate a completed session: sent once per booking."""

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="review_invitation"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")

    def __str__(self):
        return f"review invitation booking #{self.booking_id}"


class Report(models.Model):
    """Someone reports a proposal, a message or a behaviour at a session. Support handles it:
    dismiss, warn the reported person, or blacklist the reported customer."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal (inappropriate comment)")
        MESSAGE = "message", _("Message")
        CUSTOMER_BEHAVIOUR = "customer_behaviour", _("Customer's behaviour at a session")
        PRO_BEHAVIOUR = "pro_behaviour", _("Pro's behaviour at a session")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        WARNED = "warned", _("Warning sent")
        BLACKLISTED = "blacklisted", _("Customer blacklisted")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_side = models.CharField(max_length=10, choices=Side.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "proposal:12", "message:7", "booking:3": one open report per reporter and object.
    object_key = models.CharField(max_length=40)
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey(
        "bookings.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    reported_customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports_against",
    )
    reported_pro = models.ForeignKey(
        "pros.Pro", null=True, blank=True, on_delete=models.PROTECT, related_name="reports_against"
    )
    details = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handling_note = models.TextField(blank=True)

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
        return f"report #{self.pk} {self.kind} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
