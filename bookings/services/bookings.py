"""Bookings: the insert every accepted answer goes through, the confirmation that follows it,
a move to other times, the cancellation and the completed session."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.utils import OperationalError
from django.utils.translation import gettext as _
from psycopg.errors import DeadlockDetected

from core import clock
from core.errors import InvalidInput
from core.text import clean_text
from pros import scoring
from pros.services import pro_record_completed_session

from .. import events, notifications, signals
from ..closing import close_request, withdraw_open
from ..errors import AgendaConflict, ProUnavailable, RequestUnavailable
from ..locking import lock_booking, lock_pro_for_booking
from ..models import Booking, BookingRequest
from ..rules import check_aware, check_horizon
from ..selectors.customer import pro_served_customer

Status = BookingRequest.Status


def book(request: BookingRequest, *, pro, start: datetime, end: datetime, now) -> Booking:
    """Insert the booking; the exclusion constraint is the last guard against overlaps.

    The pro's row is locked first (FOR NO KEY UPDATE, after the request and proposal), so two
    bookings for one pro are inserted one after the other: concurrent inserts into an
    exclusion constraint could otherwise deadlock instead of failing cleanly. Whether the pro
    may work is re-checked under that lock (`pro` may be stale)."""
    if not lock_pro_for_booking(pro).may_work:
        raise ProUnavailable()
    try:
        with transaction.atomic():
            booking = Booking.for_request(request, pro=pro, start=start, end=end, created_at=now)
            booking.save(force_insert=True)
            return booking
    except IntegrityError as exc:
        raise AgendaConflict() from exc
    except OperationalError as exc:  # belt and braces: a deadlock on the constraint is a conflict
        if isinstance(exc.__cause__, DeadlockDetected):
            raise AgendaConflict() from exc
        raise


def confirm(request: BookingRequest, booking: Booking, *, now, actor=None, keep=None) -> None:
    """An answer became the booking: everything else still open is withdrawn ("no longer
    available", except `keep`), the request closes as confirmed and the customer is told."""
    withdraw_open(request, now=now, cancelled=False, actor=actor, keep=keep)
    close_request(request, status=Status.CONFIRMED, now=now)
    events.booking_confirmed(request=request, booking=booking, actor=actor)
    notifications.tell_customer_confirmed(request, booking)
    # Higher apps (checkin opens the session record) hear of it once it is committed.
    transaction.on_commit(lambda: signals.booking_confirmed.send(sender=Booking, booking=booking))


def booking_cancel(*, booking: Booking, by, reason: str = "", notify: bool = True) -> Booking:
    """Cancel a confirmed booking (support here; checkin for the customer's and the pro's
    cancellations, with its own messages: `notify=False`). The pro's agenda slot is freed
    (cancelled bookings leave the exclusion constraint)."""
    reason = clean_text(reason, field="reason")[:200]
    with transaction.atomic():
        request, booking = lock_booking(booking)
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if booking.status != Booking.Status.CONFIRMED:
            raise RequestUnavailable()
        now = clock.now()
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        close_request(request, status=Status.CANCELLED, now=now, cancel_reason=reason or "")
        events.booking_cancelled(request=request, booking=booking, actor=by)
        if notify:
            notifications.tell_booking_cancelled(request, booking)
        return booking


def booking_reschedule(*, booking: Booking, start: datetime, end: datetime, by) -> Booking:
    """Move a confirmed booking to [start, end) (agreed between pro and customer; checkin
    tells the customer). The exclusion constraint still guards the pro's agenda
    (`agenda_conflict`); an hourly service's price follows the new length."""
    check_aware(start)
    check_aware(end, field="end")
    if end <= start:
        raise InvalidInput(fields={"end": [_("The end must be after the start.")]})
    check_horizon(start, clock.now())
    with transaction.atomic():
        request, booking = lock_booking(booking)
        if booking.status != Booking.Status.CONFIRMED:
            raise RequestUnavailable()
        if (booking.start, booking.end) == (start, end):
            return booking
        old_start, old_end, old_price = booking.start, booking.end, booking.price_cents
        minutes = int((end - start).total_seconds() // 60)
        lock_pro_for_booking(booking.pro)  # updates into the constraint queue like inserts
        booking.start, booking.end = start, end
        for field, value in {
            **Booking.ranges(start, end),
            **booking.service.price_snapshot(minutes=minutes),
        }.items():
            setattr(booking, field, value)
        try:
            with transaction.atomic():
                booking.save(
                    update_fields=[
                        "start",
                        "end",
                        "period",
                        "busy",
                        "price_cents",
                        "pro_net_cents",
                        "platform_share_cents",
                    ]
                )
        except IntegrityError as exc:
            raise AgendaConflict() from exc
        events.booking_rescheduled(
            request=request,
            booking=booking,
            actor=by,
            old_start=old_start,
            old_end=old_end,
            old_price_cents=old_price,
        )
        return booking


def booking_mark_completed(*, booking: Booking, by=None) -> Booking:
    """Mark a session done and count it for the pro (which unlocks their personal link)."""
    with transaction.atomic():
        request, booking = lock_booking(booking)
        if booking.status == Booking.Status.COMPLETED:
            return booking
        if booking.status != Booking.Status.CONFIRMED:
            raise RequestUnavailable()
        returning = pro_served_customer(pro=booking.pro, customer=booking.customer)
        booking.status = Booking.Status.COMPLETED
        booking.completed_at = clock.now()
        booking.save(update_fields=["status", "completed_at"])
        events.booking_completed(request=request, booking=booking, actor=by)
        pro_record_completed_session(pro=booking.pro)
        if returning:  # a customer who booked this pro again: the score's loyalty
            scoring.score_rebooked(
                pro_id=booking.pro_id,
                booking_id=booking.pk,
                customer_id=booking.customer_id,
                at=booking.completed_at,
            )
        return booking
