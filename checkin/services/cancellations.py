"""Cancellations of a confirmed session and the fees they bring.

- the customer cancels (API): fee per the schedule (rules.customer_fee_at), billable, the pro's
  share net of commission;
- the pro declares the customer wants to cancel: the same, on the customer's behalf;
- the pro declares a no-show: the absence fee (100 % capped at €40);
- the pro cancels (force majeure): nothing charged, dispatched again to other pros when the
  start is at least 2 h away, late under 24 h (3 late within 30 days block new proposals);
- support cancels from the admin, with or without the schedule's fee;
- the pro waives a fee before it is charged.

The `*_locked` helpers run under the record lock taken by their caller (declarations or the
public functions below), after the state and time were re-checked.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from bookings import services as booking_services
from bookings.models import Booking
from core import clock
from core.errors import InvalidInput, NotFound
from core.text import clean_text
from pros import scoring
from pros import services as pro_services

from .. import notifications, rules, selectors
from ..errors import BookingNotCancellable, FeeNotWaivable
from ..events import SessionEventKind, session_event
from ..models import BillableItem, Outcome, SessionRecord
from . import records


def _fee_of(record: SessionRecord, kind: str) -> BillableItem | None:
    return record.billables.filter(kind=kind).first()


def _cancel_booking(record: SessionRecord, *, by, reason: str) -> None:
    """The booking leaves the agenda (bookings' own transition, locked below the record)."""
    booking_services.booking_cancel(booking=record.booking, by=by, reason=reason, notify=False)


# --- under the record lock ---------------------------------------------------------------------


def customer_cancel_locked(
    record: SessionRecord, *, now, by, reason: str, kind: SessionEventKind, with_fee: bool = True
) -> BillableItem | None:
    """Close as cancelled_by_customer with the schedule's fee at `now` (or none)."""
    booking = record.booking
    fee_cents = (
        rules.customer_fee_at(
            price_cents=booking.price_cents,
            start=booking.start,
            booked_at=booking.created_at,
            now=now,
        )
        if with_fee
        else 0
    )
    return _close_for_customer(
        record, now=now, by=by, reason=reason, kind=kind, fee_cents=fee_cents
    )


def _close_for_customer(record, *, now, by, reason, kind, fee_cents) -> BillableItem | None:
    records.close(record, Outcome.CANCELLED_BY_CUSTOMER, now=now, by=by, reason=reason)
    item = records.bill(record, BillableItem.Kind.CANCELLATION_FEE, amount_cents=fee_cents, now=now)
    _cancel_booking(record, by=by, reason=reason or kind.value)
    session_event(record, kind, actor=by, fee_cents=fee_cents, reason=record.cancel_reason)
    share = item.pro_share_cents if item else 0
    if kind == SessionEventKind.SUPPORT_CANCELLED:
        notifications.tell_customer_support_cancelled(record, fee_cents=fee_cents)
        notifications.tell_pro_support_cancelled(record)
    else:
        on_behalf = kind == SessionEventKind.CUSTOMER_WANTS_TO_CANCEL
        notifications.tell_customer_cancelled(record, fee_cents=fee_cents, on_behalf=on_behalf)
        if not on_behalf:
            notifications.tell_pro_customer_cancelled(record, fee_pro_share_cents=share)
    return item


def no_show_locked(record: SessionRecord, *, now, by) -> BillableItem | None:
    booking = record.booking
    fee_cents = rules.absence_fee_cents(booking.price_cents)
    if record.absence_reported_at is None:
        record.absence_reported_at = now
        record.save(update_fields=["absence_reported_at"])
    records.close(record, Outcome.NO_SHOW, now=now, by=by, reason="no_show")
    item = records.bill(record, BillableItem.Kind.NO_SHOW_FEE, amount_cents=fee_cents, now=now)
    _cancel_booking(record, by=by, reason="no_show")
    session_event(record, SessionEventKind.NO_SHOW, actor=by, fee_cents=fee_cents)
    notifications.tell_customer_no_show(record, fee_cents=fee_cents)
    return item


def pro_cancel_locked(record: SessionRecord, *, now, by, reason: str) -> None:
    booking = record.booking
    late = rules.is_late_pro_cancellation(start=booking.start, now=now)
    redispatch = rules.redispatch_after_pro_cancellation(start=booking.start, now=now)
    records.close(record, Outcome.CANCELLED_BY_PRO, now=now, by=by, reason=reason)
    record.late_cancellation = late  # after the outcome: the constraint ties the two
    record.save(update_fields=["late_cancellation"])
    _cancel_booking(record, by=by, reason=reason)
    session_event(
        record, SessionEventKind.PRO_CANCELLED, actor=by, reason=record.cancel_reason, late=late
    )
    if redispatch:
        new_request = booking_services.booking_request_replace(booking=booking, by=by)
        redispatch = new_request is not None
        if redispatch:
            session_event(record, SessionEventKind.REDISPATCHED, request=new_request.pk)
    notifications.tell_customer_pro_cancelled(record, redispatched=redispatch)
    if late:
        scoring.score_late_cancellation(pro_id=record.pro_id, booking_id=booking.pk, at=now)
        _block_if_too_many_late(record, now=now, by=by)


def _block_if_too_many_late(record: SessionRecord, *, now, by) -> None:
    """3 late cancellations within 30 days (this one included) block new proposals 48 h."""
    times = selectors.late_cancellation_times(pro=record.booking.pro, now=now)
    until = rules.late_cancel_block_until(times, now=now)
    if until is None:
        return
    pro_services.pro_block_new_proposals(
        pro=record.booking.pro, until=until, reason="late_cancellations", by=by
    )
    session_event(record, SessionEventKind.PRO_BLOCKED, until=until.isoformat(), count=len(times))
    notifications.tell_pro_blocked(record.booking.pro, until=until)


# --- public transitions ----------------------------------------------------------------------


def booking_customer_cancel(*, booking: Booking, customer, reason: str = "") -> tuple:
    """The customer cancels a confirmed booking; returns (record, fee charged in cents).
    Cancelling again answers the same fee; a closed session is `booking_not_cancellable`."""
    reason = clean_text(reason, field="reason")
    if booking.customer_id != customer.pk:
        raise NotFound()
    with transaction.atomic():
        record = records.locked_record(booking=booking)
        if record is None:
            raise BookingNotCancellable()
        now = clock.now()
        if record.outcome == Outcome.CANCELLED_BY_CUSTOMER:  # a retry: same answer
            item = _fee_of(record, BillableItem.Kind.CANCELLATION_FEE)
            return record, item.amount_cents if item else 0
        if not rules.customer_may_cancel(record, now=now):
            raise BookingNotCancellable()
        item = customer_cancel_locked(
            record,
            now=now,
            by=customer.user,
            reason=reason,
            kind=SessionEventKind.CUSTOMER_CANCELLED,
        )
        return record, item.amount_cents if item else 0


def booking_support_cancel(*, booking: Booking, by, reason: str, with_fee: bool) -> SessionRecord:
    """Support cancels from the admin, on the customer's side: with the schedule's fee at this
    moment, or without any fee."""
    reason = clean_text(reason, field="reason")
    if not reason:
        raise InvalidInput(fields={"reason": [str(_("Give a reason."))]})
    with transaction.atomic():
        record = records.locked_record(booking=booking)
        now = clock.now()
        # Support may also close a past session still awaiting its declaration.
        if (
            record is None
            or not record.is_pending
            or record.booking.status != Booking.Status.CONFIRMED
        ):
            raise BookingNotCancellable()
        customer_cancel_locked(
            record,
            now=now,
            by=by,
            reason=reason,
            kind=SessionEventKind.SUPPORT_CANCELLED,
            with_fee=with_fee,
        )
        return record


def fee_waive(*, item: BillableItem, pro) -> BillableItem:
    """The pro waives a fee owed to them, until the day it is charged."""
    if item.booking.pro_id != pro.pk:
        raise NotFound()
    with transaction.atomic():
        record = records.locked_record(booking=item.booking)
        item = BillableItem.objects.select_for_update().get(pk=item.pk)
        if item.waived_at is not None:
            return item
        now = clock.now()
        if not rules.fee_waivable(item, today=clock.paris_date(now)):
            raise FeeNotWaivable()
        item.waived_at = now
        item.waived_by = pro.user
        item.save(update_fields=["waived_at", "waived_by"])
        session_event(
            record,
            SessionEventKind.FEE_WAIVED,
            actor=pro.user,
            item=item.pk,
            fee=item.kind,
            amount_cents=item.amount_cents,
        )
        return item
