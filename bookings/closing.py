"""How a booking request ends, shared by the protocols (confirm, cancel, decline, support's
cancellation, a suspension) and the dispatch engine (deadline, lapse): withdraw what is still
open, then close the request with one field list.

This module sits below both `services/` and `dispatch/` (it imports neither), so the engine
and the services can share it without an import cycle.
"""

from datetime import datetime

from core import metrics

from . import events, notifications
from .locking import lock_open_answers
from .models import BookingRequest, CounterOffer, Proposal

Status = BookingRequest.Status


def withdraw_open(
    request: BookingRequest,
    *,
    now: datetime,
    cancelled: bool,
    actor=None,
    keep=None,
    only_pro=None,
    reason: str = "",
    tell_pros: bool = True,
) -> int:
    """Withdraw the request's sent proposals and lapse its open counter-offers, telling each
    pro (`cancelled`: "request cancelled", else "no longer available") unless `tell_pros` is
    False (the pro's own suspension: they were told once, not per proposal), except `keep`;
    only `only_pro`'s when given. The request must be locked; its answers are locked after
    it. Returns how many were withdrawn or lapsed."""
    proposals, counters = lock_open_answers(request, pro=only_pro)
    count = 0
    for proposal in proposals:
        if isinstance(keep, Proposal) and proposal.pk == keep.pk:
            continue
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.answered_at = now
        proposal.save(update_fields=["status", "answered_at"])
        events.proposal_withdrawn(request=request, proposal=proposal, actor=actor, reason=reason)
        if tell_pros:
            notifications.tell_pro_gone(proposal, request, cancelled=cancelled)
        count += 1
    for counter in counters:
        if isinstance(keep, CounterOffer) and counter.pk == keep.pk:
            continue
        counter.status = CounterOffer.Status.LAPSED
        counter.answered_at = now
        counter.save(update_fields=["status", "answered_at"])
        events.counter_offer_lapsed(
            request=request, counter_offer=counter, actor=actor, reason=reason
        )
        if tell_pros:
            notifications.tell_pro_gone(counter, request, cancelled=cancelled)
        count += 1
    return count


def close_request(
    request: BookingRequest, *, status: str, now: datetime, cancel_reason: str | None = None
) -> None:
    """Close the request (confirmed, cancelled or unfulfilled): the engine no longer looks at
    it (no due time) and `closed_at` says when. A closed request leaves support's queue, except
    an unfulfilled one, which keeps its flag as the record that the queue could not save it.
    The request must be locked."""
    request.status = status
    request.next_dispatch_at = None
    request.closed_at = now
    if status != Status.UNFULFILLED:
        request.flagged_at = None
    if cancel_reason is not None:
        request.cancel_reason = cancel_reason[:200]
    request.save(
        update_fields=["status", "next_dispatch_at", "closed_at", "flagged_at", "cancel_reason"]
    )
    metrics.request_closed(request, status=status, now=now)
