"""A customer's booking request."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.labels import person_label, session_label


class BookingRequest(models.Model):
    class Status(models.TextChoices):
        DISPATCHING = "dispatching", _("Looking for a pro")
        AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting the customer's answer")
        CONFIRMED = "confirmed", _("Confirmed")
        UNFULFILLED = "unfulfilled", _("No pro found")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        PRO = "pro", _("Pro (new session for a customer)")

    OPEN_STATUSES = (Status.DISPATCHING, Status.AWAITING_CUSTOMER)
    # The customer's notes to the pro: one limit for the model, the API, the forms, the services.
    NOTES_MAX_LENGTH = 1000
    # Door code, floor, intercom: shown only to the booked pro (bookings.rules.access_details_for).
    ACCESS_DETAILS_MAX_LENGTH = 500

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="booking_requests",
        verbose_name=_("client"),
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("prestation")
    )
    address = models.ForeignKey(
        "customers.Address", on_delete=models.PROTECT, related_name="+", verbose_name=_("adresse")
    )
    start = models.DateTimeField(verbose_name=_("début"))
    end = models.DateTimeField(verbose_name=_("fin"))
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    # Never on a proposal, a push or the calendar feed: read it through rules.access_details_for.
    access_details = models.TextField(
        _("informations d'accès"),
        blank=True,
        max_length=ACCESS_DETAILS_MAX_LENGTH,
        help_text=_(
            "Code, étage, interphone : visibles par le seul pro réservé, dès l'acceptation."
        ),
    )
    # Price snapshot taken at creation (the catalogue may change afterwards).
    price_cents = models.PositiveIntegerField(verbose_name=_("prix (centimes)"))
    pro_net_cents = models.PositiveIntegerField(verbose_name=_("net pro (centimes)"))
    platform_share_cents = models.PositiveIntegerField(verbose_name=_("part plateforme (centimes)"))

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DISPATCHING, verbose_name=_("statut")
    )
    origin = models.CharField(
        max_length=10, choices=Origin.choices, default=Origin.CUSTOMER, verbose_name=_("origine")
    )
    # Exclusive request (or the pro who set up a pro-origin session).
    exclusive_pro = models.ForeignKey(
        "pros.Pro",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exclusive_requests",
        verbose_name=_("pro demandé"),
    )
    fallback_to_others = models.BooleanField(
        default=False, verbose_name=_("proposer à d'autres pros sinon")
    )
    # Sent again after this pro cancelled the booking of an earlier request: never offered to them.
    excluded_pro = models.ForeignKey(
        "pros.Pro",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pro exclu"),
    )

    # When the engine must look at this request again (next wave, an expiry, the deadline).
    next_dispatch_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("prochain passage de la répartition le")
    )
    # Set when candidates ran out: the request waits in support's queue.
    flagged_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("signalée au support le")
    )
    # start - BOOKING_MIN_LEAD: unfulfilled (and the customer told) when nothing is confirmed by then.
    booking_deadline = models.DateTimeField(verbose_name=_("à confirmer avant le"))

    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créée le"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("clôturée le"))
    cancel_reason = models.CharField(
        max_length=200, blank=True, verbose_name=_("motif d'annulation")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        indexes = [
            models.Index(
                fields=["next_dispatch_at"],
                name="request_due",
                condition=models.Q(next_dispatch_at__isnull=False),
            ),
            models.Index(
                fields=["start"],
                name="request_flagged_queue",
                condition=models.Q(flagged_at__isnull=False),
            ),
            models.Index(fields=["customer", "-created_at"], name="request_customer_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="request_end_after_start"
            ),
            # One open request per home and time: a retried POST (or a double tap) cannot
            # dispatch twice and book two pros for one home at one time. Whatever the service:
            # the services map a violation to 409 `duplicate_request`.
            ExclusionConstraint(
                name="request_one_open_per_home_and_time",
                expressions=[
                    ("customer", RangeOperators.EQUAL),
                    ("address", RangeOperators.EQUAL),
                    (
                        models.Func(  # tstzrange(start, end): [start, end)
                            models.F("start"),
                            models.F("end"),
                            function="TSTZRANGE",
                            output_field=DateTimeRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                # OPEN_STATUSES (a Meta class cannot see its model's names).
                condition=models.Q(status__in=["dispatching", "awaiting_customer"]),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    price_cents=models.F("pro_net_cents") + models.F("platform_share_cents")
                ),
                name="request_price_balanced",
            ),
        ]

    def __str__(self):
        return session_label(
            self.service.name, self.start, self.end, person_label(self.customer.user)
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
