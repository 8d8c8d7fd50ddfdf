"""A confirmed booking: its ranges (travel buffer and exclusion constraint: see the package
docstring) and its price snapshot."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.labels import person_label, session_label

from .requests import BookingRequest


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.OneToOneField(
        BookingRequest, on_delete=models.PROTECT, related_name="booking", verbose_name=_("demande")
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("pro")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="bookings",
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
    period = DateTimeRangeField(verbose_name=_("créneau"))  # [start, end)
    busy = DateTimeRangeField(
        verbose_name=_("créneau avec trajet")
    )  # [start, end + travel buffer): what the exclusion constraint guards
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.CONFIRMED, verbose_name=_("statut")
    )
    price_cents = models.PositiveIntegerField(verbose_name=_("prix (centimes)"))
    pro_net_cents = models.PositiveIntegerField(verbose_name=_("net pro (centimes)"))
    platform_share_cents = models.PositiveIntegerField(verbose_name=_("part plateforme (centimes)"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("réservée le"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("annulée le"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("terminée le"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            ExclusionConstraint(
                name="booking_no_overlap_per_pro",
                expressions=[("pro", RangeOperators.EQUAL), ("busy", RangeOperators.OVERLAPS)],
                condition=~models.Q(status="cancelled"),
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="booking_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    price_cents=models.F("pro_net_cents") + models.F("platform_share_cents")
                ),
                name="booking_price_balanced",
            ),
        ]
        indexes = [
            models.Index(fields=["pro", "start"], name="booking_pro_agenda"),
            models.Index(fields=["customer", "-start"], name="booking_customer_recent"),
            # Past pros of a customer (ranking and GET /past-pros), without reading every booking.
            models.Index(
                fields=["customer", "pro"],
                name="booking_customer_past_pros",
                condition=models.Q(status="completed"),
            ),
            # The review-invitation sweep: recent completed sessions, oldest first (a range of
            # this index, not every completed booking).
            models.Index(
                fields=["completed_at", "id"],
                name="booking_completed_recent",
                condition=models.Q(status="completed"),
            ),
            # Check-in's safety net: confirmed bookings without a session record, by id (the
            # confirmed ones only, not every booking ever made).
            models.Index(
                fields=["id"],
                name="booking_confirmed_by_id",
                condition=models.Q(status="confirmed"),
            ),
        ]

    def __str__(self):
        who = person_label(self.customer.user)
        return f"{session_label(self.service.name, self.start, self.end, who)}, {self.pro}"

    @staticmethod
    def ranges(start, end) -> dict:
        """`period` [start, end) and `busy` [start, end + travel buffer) of a session."""
        busy_end = end + settings.DISPATCH_TRAVEL_BUFFER
        return {
            "period": DateTimeTZRange(start, end, "[)"),
            "busy": DateTimeTZRange(start, busy_end, "[)"),
        }

    @classmethod
    def for_request(cls, request, *, pro, start=None, end=None, **fields) -> "Booking":
        """The (unsaved) booking of `request` by `pro`, at the request's time unless given:
        its ranges, and the price snapshot the request took when it was created. Every
        booking row is built here: services, the demo seeder, test factories, the bench."""
        start = request.start if start is None else start
        end = request.end if end is None else end
        return cls(
            request=request,
            pro=pro,
            customer_id=request.customer_id,
            service_id=request.service_id,
            address_id=request.address_id,
            start=start,
            end=end,
            **cls.ranges(start, end),
            price_cents=request.price_cents,
            pro_net_cents=request.pro_net_cents,
            platform_share_cents=request.platform_share_cents,
            **fields,
        )

    @property
    def shows_exact_address(self) -> bool:
        """The pro sees the street only for a session they are going to (or went to)."""
        return self.status != self.Status.CANCELLED
