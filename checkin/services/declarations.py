"""A pro's declarations about a session (pro web UI and POST .../declarations).

`declaration_make` validates the values (400 `invalid`, nothing written), then in one
transaction: locks the record (opening it if needed), re-reads the time, answers a repeat of
an already-recorded declaration idempotently, refuses after the deadline (409
`declaration_deadline_passed`) or when the kind does not fit the state or the time (409
`declaration_not_allowed`, the message says the rule, from rules.declaration_refusal), then
runs the kind's handler. Each handler writes the record, a timeline row and its messages.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from bookings import services as booking_services
from bookings.models import Booking
from core import clock
from core.errors import InvalidInput, NotFound
from core.text import clean_text

from .. import notifications, rules
from ..errors import DeclarationDeadlinePassed, DeclarationNotAllowed
from ..events import SessionEventKind, session_event
from ..models import BillableItem, Declaration, Outcome, SessionRecord
from . import cancellations, records

# A repeat of a closing declaration finds the record already in this outcome: same answer.
_CLOSES_AS = {
    Declaration.DONE: Outcome.DONE,
    Declaration.NO_SHOW: Outcome.NO_SHOW,
    Declaration.PRO_CANCELS: Outcome.CANCELLED_BY_PRO,
    Declaration.CUSTOMER_WANTS_TO_CANCEL: Outcome.CANCELLED_BY_CUSTOMER,
}
ACTUAL_MINUTES_MAX = 12 * 60


def _aware(value, field, errors):
    if value is None:
        errors[field] = [_("This field is required.")]
    elif not isinstance(value, datetime) or value.tzinfo is None:
        errors[field] = [_("Give a date and time with its UTC offset.")]


def clean_values(kind: str, values: dict) -> dict:
    """The values `kind` needs, checked (InvalidInput with fields); unknown keys ignored."""
    errors: dict[str, list] = {}
    cleaned: dict = {}
    if kind not in Declaration.values:
        raise InvalidInput(fields={"kind": [_("Unknown declaration.")]})
    if kind == Declaration.LATE:
        low, high = settings.CHECKIN_LATE_MINUTES
        minutes = values.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
            errors["minutes"] = [
                _("Give the delay in minutes, from %(low)d to %(high)d.")
                % {"low": low, "high": high}
            ]
        cleaned["minutes"] = minutes
    elif kind == Declaration.CHANGED:
        start, end = values.get("start"), values.get("end")
        _aware(start, "start", errors)
        _aware(end, "end", errors)
        if not errors and end <= start:
            errors["end"] = [_("The end must be after the start.")]
        cleaned.update(start=start, end=end)
    elif kind == Declaration.PRO_CANCELS:
        try:
            reason = clean_text(values.get("reason"), field="reason")
        except InvalidInput as error:  # not text, or a NUL character
            errors.update(error.fields)
        else:
            if not reason:
                errors["reason"] = [_("Say why you cancel.")]
            elif len(reason) > 200:
                errors["reason"] = [_("At most 200 characters.")]
            cleaned["reason"] = reason
    elif kind == Declaration.DONE:
        actual = values.get("actual_minutes")
        if actual is not None and (
            not isinstance(actual, int)
            or isinstance(actual, bool)
            or not 1 <= actual <= ACTUAL_MINUTES_MAX
        ):
            errors["actual_minutes"] = [
                _("Give the minutes worked, from 1 to %(max)d.") % {"max": ACTUAL_MINUTES_MAX}
            ]
        cleaned["actual_minutes"] = actual
    if errors:
        raise InvalidInput(fields=errors)
    return cleaned


def declaration_make(*, booking: Booking, pro, kind: str, **values) -> SessionRecord:
    """Record the pro's declaration `kind` on their booking; returns the record."""
    if booking.pro_id != pro.pk:
        raise NotFound()
    cleaned = clean_values(kind, values)
    with transaction.atomic():
        record = records.locked_record(booking=booking)
        if record is None:
            raise DeclarationNotAllowed(_("This session is no longer open."))
        now = clock.now()  # read under the lock: a racing sweep or declaration went first
        if record.outcome == _CLOSES_AS.get(kind) or (
            record.is_pending and rules.already_recorded(kind, record=record)
        ):
            return record  # a retry of what is already recorded
        if record.outcome == Outcome.BILLING_CANCELLED or rules.deadline_passed(
            record.declaration_deadline, now
        ):
            raise DeclarationDeadlinePassed()
        refusal = rules.declaration_refusal(kind, record=record, now=now)
        if refusal:
            raise DeclarationNotAllowed(refusal)
        _HANDLERS[kind](record, now=now, by=pro.user, **cleaned)
        return record


# --- one handler per kind (under the record lock, state and time already checked) ----------


def _arrival(record, *, now, by):
    record.arrived_at = now
    record.save(update_fields=["arrived_at"])
    session_event(record, SessionEventKind.ARRIVAL, actor=by, at=now.isoformat())


def _late(record, *, now, by, minutes):
    # Before the start, "15 minutes late" counts from the start; after it, from now.
    expected = max(now, record.booking.start) + timedelta(minutes=minutes)
    record.late_minutes = minutes
    record.expected_arrival_at = expected
    record.save(update_fields=["late_minutes", "expected_arrival_at"])
    session_event(
        record, SessionEventKind.LATE, actor=by, minutes=minutes, expected_at=expected.isoformat()
    )
    notifications.tell_customer_late(record, minutes=minutes, expected_at=expected)


def _changed(record, *, now, by, start, end):
    booking = record.booking
    old_start, old_end, old_price = booking.start, booking.end, booking.price_cents
    booking_services.booking_reschedule(booking=booking, start=start, end=end, by=by)
    records.follow_booking_times(record, now=now)
    booking = record.booking
    session_event(
        record,
        SessionEventKind.CHANGED,
        actor=by,
        old_start=old_start.isoformat(),
        old_end=old_end.isoformat(),
        start=booking.start.isoformat(),
        end=booking.end.isoformat(),
        old_price_cents=old_price,
        price_cents=booking.price_cents,
    )
    notifications.tell_customer_changed(record, old_start=old_start)


def _customer_absent(record, *, now, by):
    record.absence_reported_at = now
    record.save(update_fields=["absence_reported_at"])
    leave = rules.may_leave_at(record.booking.start)
    session_event(
        record, SessionEventKind.CUSTOMER_ABSENT, actor=by, may_leave_at=leave.isoformat()
    )
    notifications.tell_customer_absent_reminder(record, may_leave_at=leave)


def _no_show(record, *, now, by):
    cancellations.no_show_locked(record, now=now, by=by)


def _customer_wants_to_cancel(record, *, now, by):
    cancellations.customer_cancel_locked(
        record, now=now, by=by, reason="", kind=SessionEventKind.CUSTOMER_WANTS_TO_CANCEL
    )


def _pro_cancels(record, *, now, by, reason):
    cancellations.pro_cancel_locked(record, now=now, by=by, reason=reason)


def _done(record, *, now, by, actual_minutes=None):
    booking = record.booking
    record.actual_minutes = actual_minutes
    record.save(update_fields=["actual_minutes"])
    records.close(record, Outcome.DONE, now=now, by=by)
    records.bill(record, BillableItem.Kind.SESSION, amount_cents=booking.price_cents, now=now)
    booking_services.booking_mark_completed(booking=booking, by=by)
    session_event(record, SessionEventKind.DONE, actor=by, actual_minutes=actual_minutes)


_HANDLERS = {
    Declaration.ARRIVAL: _arrival,
    Declaration.LATE: _late,
    Declaration.CHANGED: _changed,
    Declaration.CUSTOMER_ABSENT: _customer_absent,
    Declaration.NO_SHOW: _no_show,
    Declaration.CUSTOMER_WANTS_TO_CANCEL: _customer_wants_to_cancel,
    Declaration.PRO_CANCELS: _pro_cancels,
    Declaration.DONE: _done,
}
