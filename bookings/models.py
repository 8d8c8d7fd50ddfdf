"""Booking requests, the proposals the dispatch engine sends, counter-offers, bookings and
the request's timeline.

Travel buffer and the exclusion constraint: a booking stores both its `period` (the session
itself, shown in agendas) and `busy` = [start, end + DISPATCH_TRAVEL_BUFFER), the time the pro
is taken including the way to the next customer. The exclusion constraint is on `busy`, so the
database itself guarantees a travel gap between two sessions of one pro (two busy ranges
overlap exactly when the sessions are closer than the buffer, whichever comes first). The
buffer is snapshotted per booking: changing the setting applies to new bookings only.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import datefmt
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


class Proposal(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", pgettext_lazy("proposal status", "Sent")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("No longer available")
        COUNTERED = "countered", _("Other time proposed")

    request = models.ForeignKey(
        BookingRequest,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("demande"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("pro")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SENT, verbose_name=_("statut")
    )
    # Sent by support outside the pro's settings; does not count for score or fairness.
    is_bonus = models.BooleanField(default=False, verbose_name=_("proposition bonus"))
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("envoyée le"))
    expires_at = models.DateTimeField(verbose_name=_("expire le"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("répondue le"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["request", "pro"], name="proposal_once_per_pro"),
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="accepted"),
                name="proposal_one_accepted_per_request",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], name="proposal_due", condition=models.Q(status="sent")
            ),
            models.Index(
                fields=["pro", "expires_at"],
                name="proposal_open_for_pro",
                condition=models.Q(status="sent"),
            ),
            # Fairness: proposals a pro received in the last days.
            models.Index(
                fields=["pro", "sent_at"],
                name="proposal_pro_recent",
                condition=models.Q(is_bonus=False),
            ),
        ]

    def __str__(self):
        return f"{self.request} → {self.pro} ({self.get_status_display()})"


class CounterOffer(models.Model):
    """A pro's "another time" answer; the customer accepts or declines it while dispatch goes on."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the customer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        LAPSED = "lapsed", _("Lapsed")

    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.CASCADE,
        related_name="counter_offer",
        verbose_name=_("proposition"),
    )
    request = models.ForeignKey(
        BookingRequest,
        on_delete=models.CASCADE,
        related_name="counter_offers",
        verbose_name=_("demande"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.CASCADE, related_name="counter_offers", verbose_name=_("pro")
    )
    start = models.DateTimeField(verbose_name=_("nouveau début"))
    end = models.DateTimeField(verbose_name=_("nouvelle fin"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("statut")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("proposée le"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("répondue le"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("counter-offer")
        verbose_name_plural = _("counter-offers")
        indexes = [
            models.Index(fields=["request"], name="counter_open", condition=models.Q(status="open"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="counter_end_after_start"
            ),
        ]

    def __str__(self):
        when = datefmt.short_when(self.start)
        return f"{self.pro} : {when} ({self.get_status_display()})"


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


class BookingEvent(models.Model):
    """One line of a booking request's timeline: who did what, when, with what data."""

    request = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("demande")
    )
    booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("réservation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(max_length=40, verbose_name=_("événement"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("données"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_timeline")]

    def __str__(self):
        return f"{datefmt.stamp(self.created_at)} {self.kind}"


class Favorite(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="favorites",
        verbose_name=_("client"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.CASCADE, related_name="favorited_by", verbose_name=_("pro")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("ajouté le"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("favourite pro")
        verbose_name_plural = _("favourite pros")
        constraints = [models.UniqueConstraint(fields=["customer", "pro"], name="favorite_once")]

    def __str__(self):
        return f"{person_label(self.customer.user)} → {self.pro}"


# --- support admin (pro web UI / admin section) --------------------------------------------------


class FlaggedBookingRequest(BookingRequest):
    """Support's queue in the admin: open requests that ran out of candidates."""

    class Meta:
        proxy = True
        verbose_name = _("flagged request")
        verbose_name_plural = _("flagged requests (support queue)")
