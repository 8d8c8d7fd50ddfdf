"""Bookings: the insert every accepted answer goes through, the confirmation that follows it,
support's cancellation and the completed session."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.utils import OperationalError
from psycopg.errors import DeadlockDetected

from core import clock
from core.text import clean_text
from pros.services import pro_record_completed_session

from .. import events, notifications
from ..closing import close_request, withdraw_open
from ..errors import AgendaConflict, ProUnavailable, RequestUnavailable
from ..locking import lock_booking, lock_pro_for_booking
from ..models import Booking, BookingRequest

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


def booking_cancel(*, booking: Booking, by, reason: str = "") -> Booking:
    """Support cancels a confirmed booking (fees come with the session-lifecycle work). The
    pro's agenda slot is freed (cancelled bookings leave the exclusion constraint)."""
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
        notifications.tell_booking_cancelled(request, booking)
        return booking


def booking_mark_completed(*, booking: Booking, by=None) -> Booking:
    """Mark a session done and count it for the pro (which unlocks their personal link)."""
    with transaction.atomic():
        request, booking = lock_booking(booking)
        if booking.status == Booking.Status.COMPLETED:
            return booking
        if booking.status != Booking.Status.CONFIRMED:
            raise RequestUnavailable()
        booking.status = Booking.Status.COMPLETED
        booking.completed_at = clock.now()
        booking.save(update_fields=["status", "completed_at"])
        events.booking_completed(request=request, booking=booking, actor=by)
        pro_record_completed_session(pro=booking.pro)
        return booking
