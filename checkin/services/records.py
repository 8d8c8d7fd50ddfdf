"""Session records: opened when a booking is confirmed, kept in step with the booking's times,
closed with an outcome and (maybe) a billable item. The shared helpers of the other service
modules live here: `locked_record` (lock, opening the record if the confirmation's receiver
has not run yet), `close` and `bill`."""

from django.db import transaction

from bookings.models import Booking
from core import clock
from pros import scoring

from .. import locking, rules
from ..events import SessionEventKind, session_event
from ..models import BillableItem, Outcome, SessionRecord


def session_record_open(*, booking: Booking) -> SessionRecord:
    """Open the record of a confirmed booking; idempotent (a second call returns the first
    record). Run by the `booking_confirmed` receiver on commit, and lazily by declarations
    and the sweep for a booking confirmed before the receiver ran."""
    booking = Booking.objects.select_related("service__category").get(pk=booking.pk)
    with transaction.atomic():
        record, created = SessionRecord.objects.get_or_create(
            booking=booking,
            defaults={
                "pro_id": booking.pro_id,
                "created_at": clock.now(),
                **rules.record_times(booking),
            },
        )
        if created:
            session_event(
                record,
                SessionEventKind.RECORD_OPENED,
                deadline=record.declaration_deadline.isoformat(),
            )
    return record


def locked_record(*, booking: Booking) -> SessionRecord | None:
    """The booking's record, locked; opened first if the booking is confirmed and has none
    yet (the receiver has not run). None for a booking closed before check-in existed.
    Call inside transaction.atomic()."""
    record = locking.lock_record(booking_id=booking.pk)
    if (
        record is None
        and Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).exists()
    ):
        session_record_open(booking=booking)
        record = locking.lock_record(booking_id=booking.pk)
    return record


def follow_booking_times(record: SessionRecord, *, now) -> None:
    """After the booking moved: its deadline, end and reminders move with it."""
    booking = record.booking
    booking.refresh_from_db()
    for field, value in rules.record_times(booking, now=now).items():
        setattr(record, field, value)
    record.save(
        update_fields=["needs_declaration", "declaration_deadline", "closes_at", "next_reminder_at"]
    )


def close(record: SessionRecord, outcome: Outcome, *, now, by=None, reason: str = "") -> None:
    """Give the locked, pending record its outcome (the caller writes the timeline row)."""
    record.outcome = outcome
    record.outcome_at = now
    record.outcome_by = by if by is not None and by.is_authenticated else None
    record.cancel_reason = (reason or "")[:200]
    record.next_reminder_at = None
    record.save(
        update_fields=["outcome", "outcome_at", "outcome_by", "cancel_reason", "next_reminder_at"]
    )
    if outcome in (Outcome.DONE, Outcome.NO_SHOW):  # the pro went: the score's reliability
        scoring.score_session_honoured(
            pro_id=record.pro_id, booking_id=record.booking_id, at=now, outcome=outcome
        )


def bill(record: SessionRecord, kind: str, *, amount_cents: int, now, fee_split=None):
    """Create the record's billable item of `kind` (at most one per booking and kind, a
    database constraint), billable the day after `now` (Paris). A session bills the booking's
    price snapshot; a fee is split through rules.split (pro share net of commission). No item
    for a zero amount: nothing to charge."""
    if amount_cents <= 0:
        return None
    booking = record.booking
    if kind == BillableItem.Kind.SESSION:
        pro_share, platform = booking.pro_net_cents, booking.platform_share_cents
    else:
        fee = fee_split or rules.split(
            amount_cents, commission_percent=booking.service.category.pro_commission_percent
        )
        pro_share, platform = fee.pro_share_cents, fee.platform_share_cents
    item, _created = BillableItem.objects.get_or_create(
        booking=booking,
        kind=kind,
        defaults={
            "record": record,
            "amount_cents": amount_cents,
            "pro_share_cents": pro_share,
            "platform_share_cents": platform,
            "billable_on": rules.billable_on(now),
            "created_at": now,
        },
    )
    return item
