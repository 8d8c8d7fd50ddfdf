"""The life of a confirmed session: its record (what it ended in, by when it must be declared)
and its billable items (what the money side will charge, and the pro's share of it).

One `SessionRecord` per confirmed booking. Deadlines are data: `declaration_deadline`,
`closes_at` (sessions that need no check-in close by themselves at their end) and
`next_reminder_at` are indexed for the sweep. The declarations themselves are timeline rows
(bookings.BookingEvent) written by checkin/events.py; the record keeps their current effect.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import datefmt
from core.money import format_eur


class Outcome(models.TextChoices):
    PENDING = "pending", _("Awaiting declaration")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Customer absent")
    CANCELLED_BY_CUSTOMER = "cancelled_by_customer", _("Cancelled by the customer")
    CANCELLED_BY_PRO = "cancelled_by_pro", _("Cancelled by the pro")
    BILLING_CANCELLED = "billing_cancelled", _("Billing cancelled (not declared in time)")


class Declaration(models.TextChoices):
    """What a pro may declare about a session (POST .../declarations `kind`)."""

    ARRIVAL = "arrival", _("I have arrived")
    LATE = "late", _("I am late")
    CHANGED = "changed", _("The session changed")
    CUSTOMER_ABSENT = "customer_absent", _("The customer is absent")
    NO_SHOW = "no_show", _("I am leaving: the customer did not come")
    CUSTOMER_WANTS_TO_CANCEL = "customer_wants_to_cancel", _("The customer wants to cancel")
    PRO_CANCELS = "pro_cancels", _("I cancel")
    DONE = "done", _("Session done")


class SessionRecord(models.Model):
    booking = models.OneToOneField(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="session_record",
        verbose_name=_("réservation"),
    )
    # Denormalised from the booking (which never changes pro) for the pro's "to declare" list.
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.PROTECT, related_name="session_records", verbose_name=_("pro")
    )
    # Cleaning sessions close by declaration; other categories close by themselves.
    needs_declaration = models.BooleanField(verbose_name=_("déclaration attendue"))
    # First moment declarations are refused: 00:00 Paris on the 6th day after the appointment
    # date (the end of the 5th day).
    declaration_deadline = models.DateTimeField(verbose_name=_("déclarer avant le"))
    # When a session that needs no check-in completes by itself (its end); null for cleaning.
    closes_at = models.DateTimeField(null=True, blank=True, verbose_name=_("clôture le"))
    # The next reminder to declare (day 1 and day 4 after the session); null when none is left.
    next_reminder_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("prochain rappel le")
    )

    outcome = models.CharField(
        max_length=24, choices=Outcome.choices, default=Outcome.PENDING, verbose_name=_("issue")
    )
    outcome_at = models.DateTimeField(null=True, blank=True, verbose_name=_("issue le"))
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issue déclarée par"),
    )
    cancel_reason = models.CharField(
        max_length=200, blank=True, verbose_name=_("motif d'annulation")
    )
    # A pro cancellation under PRO_LATE_CANCEL_LEAD before the start (counts towards a block).
    late_cancellation = models.BooleanField(default=False, verbose_name=_("annulation tardive"))

    arrived_at = models.DateTimeField(null=True, blank=True, verbose_name=_("arrivée le"))
    late_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("retard (minutes)")
    )
    expected_arrival_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("arrivée prévue le")
    )
    absence_reported_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("absence signalée le")
    )
    actual_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("durée réelle (minutes)")
    )

    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        verbose_name = _("session record")
        verbose_name_plural = _("session records")
        ordering = ["-declaration_deadline", "-id"]
        indexes = [
            # The 5-day sweep and the pro's "to declare" list walk only what is still open.
            models.Index(
                fields=["declaration_deadline"],
                name="record_pending_deadline",
                condition=models.Q(outcome="pending", needs_declaration=True),
            ),
            models.Index(
                fields=["closes_at"],
                name="record_pending_closes",
                condition=models.Q(outcome="pending", closes_at__isnull=False),
            ),
            models.Index(
                fields=["next_reminder_at"],
                name="record_pending_reminder",
                condition=models.Q(outcome="pending", next_reminder_at__isnull=False),
            ),
            models.Index(
                fields=["pro", "declaration_deadline"],
                name="record_pro_to_declare",
                condition=models.Q(outcome="pending", needs_declaration=True),
            ),
            # Late cancellations of a pro in the last 30 days.
            models.Index(
                fields=["pro", "outcome_at"],
                name="record_pro_late_cancels",
                condition=models.Q(late_cancellation=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="pending") | models.Q(outcome_at__isnull=False),
                name="record_closed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(late_minutes__isnull=True)
                | models.Q(late_minutes__gte=1, late_minutes__lte=24 * 60),
                name="record_late_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(late_cancellation=False) | models.Q(outcome="cancelled_by_pro"),
                name="record_late_cancel_is_pro_cancel",
            ),
        ]

    def __str__(self):
        return f"{self.booking} ({self.get_outcome_display()})"

    @property
    def is_pending(self) -> bool:
        return self.outcome == Outcome.PENDING


class BillableItem(models.Model):
    """Something the customer will be charged for a session: its price once done, or a fee.

    `billable_on` is the Paris date from which payouts may charge it (the day after the
    closing declaration). A fee the pro waived before that day is kept (audit) but never due.
    """

    class Kind(models.TextChoices):
        SESSION = "session", _("Session")
        CANCELLATION_FEE = "cancellation_fee", _("Cancellation fee")
        NO_SHOW_FEE = "no_show_fee", _("Absence fee")

    FEE_KINDS = (Kind.CANCELLATION_FEE, Kind.NO_SHOW_FEE)

    record = models.ForeignKey(
        SessionRecord,
        on_delete=models.PROTECT,
        related_name="billables",
        verbose_name=_("suivi de prestation"),
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("réservation"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("type"))
    amount_cents = models.PositiveIntegerField(verbose_name=_("montant (centimes)"))
    pro_share_cents = models.PositiveIntegerField(verbose_name=_("part pro (centimes)"))
    platform_share_cents = models.PositiveIntegerField(verbose_name=_("part plateforme (centimes)"))
    billable_on = models.DateField(verbose_name=_("facturable le"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))
    waived_at = models.DateTimeField(null=True, blank=True, verbose_name=_("abandonné le"))
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("abandonné par"),
    )

    class Meta:
        verbose_name = _("billable item")
        verbose_name_plural = _("billable items")
        ordering = ["billable_on", "id"]
        indexes = [
            models.Index(
                fields=["billable_on"],
                name="billable_due",
                condition=models.Q(waived_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="billable_once_per_kind"),
            models.CheckConstraint(
                condition=models.Q(
                    amount_cents=models.F("pro_share_cents") + models.F("platform_share_cents")
                ),
                name="billable_amount_balanced",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="billable_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(waived_at__isnull=True) | ~models.Q(kind="session"),
                name="billable_only_fees_waived",
            ),
        ]

    def __str__(self):
        amount = format_eur(self.amount_cents)
        return f"{self.get_kind_display()} {amount}, {datefmt.short_date(self.billable_on)}"

    @property
    def is_fee(self) -> bool:
        return self.kind in self.FEE_KINDS
