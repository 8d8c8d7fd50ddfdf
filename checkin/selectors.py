"""Reads of check-in: what payouts will charge, what a pro has to declare, a session's
state and timeline, a customer's cancellation quote."""

from datetime import date, datetime

from django.conf import settings

from bookings.models import Booking, BookingEvent
from core import clock

from . import rules
from .events import KINDS, SessionEventKind
from .models import BillableItem, Outcome, SessionRecord

_RECORD_RELATED = ("booking__service__category", "booking__address", "booking__customer__user")


def billables_due(*, on: date):
    """Billable items payouts may charge on `on` (Paris date): due that day or earlier (a
    missed run catches up), not waived. Payouts keeps its own "charged once" guard."""
    return (
        BillableItem.objects.filter(billable_on__lte=on, waived_at__isnull=True)
        .select_related("booking__customer__user", "booking__pro__user", "booking__service")
        .order_by("billable_on", "id")
    )


def record_for(booking: Booking) -> SessionRecord | None:
    return (
        SessionRecord.objects.select_related(*_RECORD_RELATED).filter(booking_id=booking.pk).first()
    )


def session_for(booking: Booking) -> SessionRecord | None:
    """The booking's record; for a confirmed booking whose record is not opened yet, the
    record it will have (unsaved); None for a booking closed before check-in existed."""
    record = record_for(booking)
    if record is None and booking.status == Booking.Status.CONFIRMED:
        record = SessionRecord(
            booking=booking, pro_id=booking.pro_id, **rules.record_times(booking)
        )
    return record


def bookings_to_declare_for(pro, *, now: datetime | None = None):
    """The same sessions as `sessions_to_declare_for`, as bookings (the pro API's list)."""
    now = now or clock.now()
    return (
        Booking.objects.filter(
            pro=pro,
            session_record__outcome=Outcome.PENDING,
            session_record__needs_declaration=True,
            session_record__declaration_deadline__gt=now,
            start__lte=rules.latest_start_checked_in_at(now),
        )
        .select_related(
            "service__category", "address", "customer__user", "request", "session_record"
        )
        .order_by("start", "id")
    )


def sessions_to_declare_for(pro, *, now: datetime | None = None):
    """The pro's cleaning sessions still awaiting a closing declaration, whose check-in has
    opened, oldest first."""
    now = now or clock.now()
    return (
        SessionRecord.objects.filter(
            pro=pro,
            outcome=Outcome.PENDING,
            needs_declaration=True,
            declaration_deadline__gt=now,
            booking__start__lte=rules.latest_start_checked_in_at(now),
        )
        .select_related(*_RECORD_RELATED)
        .order_by("booking__start", "pk")
    )


def arrival_cards_for(pro, *, now: datetime | None = None) -> list[SessionRecord]:
    """Sessions to show on the pro's home page with "I have arrived": check-in open, not over,
    still pending."""
    now = now or clock.now()
    return list(sessions_to_declare_for(pro, now=now).filter(booking__end__gt=now))


def late_cancellation_times(*, pro, now: datetime) -> list[datetime]:
    """When the pro's late cancellations within the window happened (this one included)."""
    since = now - settings.PRO_LATE_CANCEL_WINDOW
    return list(
        SessionRecord.objects.filter(
            pro=pro, late_cancellation=True, outcome_at__gt=since, outcome_at__lte=now
        )
        .order_by("outcome_at")
        .values_list("outcome_at", flat=True)
    )


def session_timeline(record: SessionRecord) -> list[BookingEvent]:
    """The session's own timeline rows (declarations and automatic actions), oldest first,
    each with its `label`."""
    events = list(
        BookingEvent.objects.filter(booking_id=record.booking_id, kind__in=KINDS)
        .exclude(kind=SessionEventKind.RECORD_OPENED)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for event in events:
        event.label = SessionEventKind(event.kind).label
    return events


def customer_cancellation(*, booking: Booking, now: datetime | None = None):
    """(may cancel now, the quote: fee now and when it changes)."""
    now = now or clock.now()
    record = record_for(booking)
    may_cancel = (
        rules.customer_may_cancel(record, now=now)
        if record
        else (booking.status == Booking.Status.CONFIRMED and now < booking.end)
    )
    quote = rules.customer_cancellation_quote(
        price_cents=booking.price_cents, start=booking.start, booked_at=booking.created_at, now=now
    )
    return may_cancel, quote
