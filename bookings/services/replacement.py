"""A request sent again after its pro cancelled the booking (checkin's force-majeure
cancellation, at least BOOKING_MIN_LEAD before the start): a new request with the same
customer, service, address, times, notes, access details and price, dispatched at once to
other pros, never to the one who cancelled (`excluded_pro`, read by the candidate query)."""

from django.db import transaction

from core import clock

from .. import events
from ..dispatch.wakeups import wake
from ..errors import DuplicateRequest
from ..models import Booking, BookingRequest
from ..rules import booking_deadline
from .requests import insert_open_request


def booking_request_replace(*, booking: Booking, by=None) -> BookingRequest | None:
    """The replacing request, or None when the booking cannot be offered to others: a
    session its pro set up, an exclusive request without fallback to others, or less than
    BOOKING_MIN_LEAD before the start (the booking deadline has passed)."""
    old = booking.request
    now = clock.now()
    if old.origin == BookingRequest.Origin.PRO:
        return None
    if old.exclusive_pro_id and not old.fallback_to_others:
        return None
    if old.customer.is_blacklisted:
        return None
    deadline = booking_deadline(booking.start)
    if now > deadline:  # as for a new request: at least BOOKING_MIN_LEAD ahead
        return None
    with transaction.atomic():
        try:
            request = insert_open_request(
                customer_id=old.customer_id,
                service_id=old.service_id,
                address_id=old.address_id,
                start=booking.start,
                end=booking.end,
                notes=old.notes,
                access_details=old.access_details,  # for the next booked pro only
                price_cents=booking.price_cents,
                pro_net_cents=booking.pro_net_cents,
                platform_share_cents=booking.platform_share_cents,
                excluded_pro_id=booking.pro_id,
                booking_deadline=deadline,
                next_dispatch_at=now,
                created_at=now,
            )
        except DuplicateRequest:  # the customer already asked again for this slot themselves
            return None
        events.request_replaced(request=request, replaced=old, excluded_pro=booking.pro, actor=by)
        wake(request.pk, now=now)
    return request
