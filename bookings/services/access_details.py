"""A customer changes the access details of a request (door code, floor, intercom): while it
is open, or booked and confirmed. Only the booked pro reads them (bookings.rules): once the
booking is confirmed, that pro is told they changed (never what they say, nor anyone else);
the timeline records that they changed, never what they say."""

from django.db import transaction

from core.errors import NotFound
from core.text import clean_text

from .. import events, notifications
from ..errors import RequestUnavailable
from ..locking import lock_request
from ..models import Booking, BookingRequest
from ..rules import access_details_editable


def booking_request_access_details_set(
    *, request: BookingRequest, customer, access_details
) -> BookingRequest:
    """Refusals: bad text (400 invalid: not a string, NUL, longer than the bound), someone
    else's request (404), a request that is closed without a confirmed booking (409
    request_unavailable). The same text again changes nothing."""
    access_details = clean_text(
        access_details,
        field="access_details",
        max_length=BookingRequest.ACCESS_DETAILS_MAX_LENGTH,
    )
    with transaction.atomic():
        request = lock_request(request.pk)
        if request.customer_id != customer.pk:
            raise NotFound()
        if request.access_details == access_details:
            return request
        booking = Booking.objects.filter(request=request).first()
        if not access_details_editable(request, booking):
            raise RequestUnavailable()
        request.access_details = access_details
        request.save(update_fields=["access_details"])
        events.access_details_changed(request=request, actor=customer.user)
        if booking is not None:  # editable with a booking: it is confirmed
            notifications.tell_pro_access_details_changed(request, booking)
        return request
