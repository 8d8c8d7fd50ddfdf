"""What support reads: the flagged-requests queue, a request's timeline, its open
counter-offers. (The engine's sweep claims due requests itself: bookings.dispatch.steps.)"""

from datetime import datetime

from ..models import BookingRequest, CounterOffer


def flagged_requests(*, now: datetime | None = None):
    """Support's queue: open requests that ran out of candidates, soonest start first."""
    return (
        BookingRequest.objects.filter(
            flagged_at__isnull=False, status__in=BookingRequest.OPEN_STATUSES
        )
        .select_related("customer__user", "service", "address")
        .order_by("start", "id")
    )


def timeline_for(request: BookingRequest):
    return request.events.select_related("actor").order_by("created_at", "id")


def open_counter_offers(request: BookingRequest):
    return request.counter_offers.filter(status=CounterOffer.Status.OPEN)
