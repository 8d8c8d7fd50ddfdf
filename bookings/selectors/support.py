"""What support and the engine's sweep read: the flagged-requests queue, a request's
timeline, the requests due for an engine step."""

from datetime import datetime

from ..models import BookingRequest, CounterOffer, Proposal


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


def due_request_ids(*, now: datetime, limit: int) -> list[int]:
    """Requests the engine must look at: their due time passed, or (belt and braces) one of
    their proposals expired without the due time saying so."""
    due = list(
        BookingRequest.objects.filter(next_dispatch_at__lte=now)
        .order_by("next_dispatch_at")
        .values_list("pk", flat=True)[:limit]
    )
    expired = Proposal.objects.filter(status=Proposal.Status.SENT, expires_at__lte=now).exclude(
        request_id__in=due
    )
    due += list(
        expired.order_by("expires_at")
        .values_list("request_id", flat=True)
        .distinct()[: max(0, limit - len(due))]
    )
    return list(dict.fromkeys(due))
