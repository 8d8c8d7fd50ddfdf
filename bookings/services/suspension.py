"""What a suspension does to the pro's open work (the receiver of pros.signals.pro_suspended
calls this): their open proposals and counter-offers end and each freed place goes to the next
candidate; the sessions they set up that await the customer are cancelled. The pro is not
told about each withdrawn proposal, counter-offer or cancelled session: the suspension notice
says it all (pros.notifications)."""

from django.db import transaction

from core import clock

from ..closing import withdraw_open
from ..dispatch.wakeups import free_place
from ..locking import lock_request
from ..models import BookingRequest, CounterOffer, Proposal
from .requests import booking_request_cancel

Status = BookingRequest.Status


def pro_proposals_withdraw(*, pro, by=None) -> int:
    """Withdraw the pro's open proposals, lapse their open counter-offers and cancel the
    sessions they set up that await the customer. Returns how many were closed."""
    request_ids = sorted(
        set(
            Proposal.objects.filter(pro=pro, status=Proposal.Status.SENT).values_list(
                "request_id", flat=True
            )
        )
        | set(
            CounterOffer.objects.filter(pro=pro, status=CounterOffer.Status.OPEN).values_list(
                "request_id", flat=True
            )
        )
    )
    withdrawn = 0
    for request_id in request_ids:  # one transaction per request, each locked first
        with transaction.atomic():
            request = lock_request(request_id)
            now = clock.now()
            withdrawn += withdraw_open(
                request,
                now=now,
                cancelled=False,
                actor=by,
                only_pro=pro,
                reason="pro_unavailable",
                tell_pros=False,
            )
            if request.status == Status.DISPATCHING:
                free_place(request, now=now)
    # Sessions the pro set up and the customer has not confirmed yet can no longer happen.
    for request in BookingRequest.objects.filter(
        origin=BookingRequest.Origin.PRO, exclusive_pro=pro, status=Status.AWAITING_CUSTOMER
    ).order_by("pk"):
        booking_request_cancel(request=request, by=by, reason="pro_unavailable", tell_pro=False)
        withdrawn += 1
    return withdrawn
