"""A pro's answers to a proposal: accept (first accept wins), refuse, or propose another time.
Every answer but a successful accept gives the pro's place to the next candidate at once."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock, metrics
from core.errors import InvalidInput
from pros import scoring

from .. import events, notifications
from ..dispatch.wakeups import free_place
from ..errors import AgendaConflict, ProposalUnavailable, ProUnavailable
from ..locking import lock_proposal_for
from ..models import Booking, BookingRequest, CounterOffer, Proposal
from ..rules import check_aware, check_horizon, check_lead, proposal_is_answerable
from ..selectors.agenda import pro_busy_overlaps
from .bookings import book, confirm

Status = BookingRequest.Status


def proposal_accept(*, proposal: Proposal, pro) -> Booking:
    """First accept wins: under the request lock the proposal must still be open; the booking
    insert is guarded by the exclusion constraint (409 agenda_conflict, and the proposal's
    place goes to the next pro at once); the other proposals are withdrawn ("no longer
    available") and the customer told."""
    with transaction.atomic():
        request, proposal = lock_proposal_for(proposal, pro)
        if proposal.status == Proposal.Status.ACCEPTED:
            return request.booking
        now = clock.now()
        if not proposal_is_answerable(proposal, request, now):
            raise ProposalUnavailable()
        try:
            booking = book(request, pro=pro, start=request.start, end=request.end, now=now)
        except ProUnavailable as exc:
            raise ProposalUnavailable() from exc
        except AgendaConflict:
            # The pro can never take this one: free their place now rather than at expiry.
            _answer(proposal, Proposal.Status.WITHDRAWN, now)
            events.proposal_withdrawn(
                request=request, proposal=proposal, actor=pro.user, reason="agenda_conflict"
            )
            free_place(request, now=now)
        else:
            _answer(proposal, Proposal.Status.ACCEPTED, now)
            events.proposal_accepted(request=request, proposal=proposal, actor=pro.user)
            confirm(request, booking, now=now, actor=pro.user)
            return booking
    raise AgendaConflict()  # after the withdrawal above has committed


def proposal_refuse(*, proposal: Proposal, pro) -> Proposal:
    """Refusing never lowers the score; the place goes to the next candidate at once."""
    with transaction.atomic():
        request, proposal = lock_proposal_for(proposal, pro)
        if proposal.status == Proposal.Status.REFUSED:
            return proposal
        now = clock.now()
        if proposal.status != Proposal.Status.SENT or request.status != Status.DISPATCHING:
            raise ProposalUnavailable()
        _answer(proposal, Proposal.Status.REFUSED, now)
        events.proposal_refused(request=request, proposal=proposal, actor=pro.user)
        free_place(request, now=now)
        return proposal


def proposal_counter(*, proposal: Proposal, pro, start: datetime) -> CounterOffer:
    """Propose another time. It obeys the 2-hour rule and the pro's agenda; the proposal's
    place goes to the next candidate at once while the customer decides."""
    check_aware(start)
    with transaction.atomic():
        request, proposal = lock_proposal_for(proposal, pro)
        if proposal.status == Proposal.Status.COUNTERED:
            counter = proposal.counter_offer
            if counter.start == start:
                return counter
            raise ProposalUnavailable()
        now = clock.now()
        if not proposal_is_answerable(proposal, request, now):
            raise ProposalUnavailable()
        if start == request.start:
            raise InvalidInput(
                fields={"start": [_("Propose a different time, or accept the request.")]}
            )
        check_horizon(start, now)
        check_lead(start, now)
        end = start + (request.end - request.start)
        if pro_busy_overlaps(pro=pro, start=start, end=end):
            raise AgendaConflict()
        _answer(proposal, Proposal.Status.COUNTERED, now)
        counter = CounterOffer.objects.create(
            proposal=proposal, request=request, pro=pro, start=start, end=end, created_at=now
        )
        events.proposal_countered(
            request=request, proposal=proposal, counter_offer=counter, actor=pro.user
        )
        notifications.tell_customer_counter_offer(request, counter)
        free_place(request, now=now)
        return counter


def _answer(proposal: Proposal, status: str, now: datetime) -> None:
    proposal.status = status
    proposal.answered_at = now
    proposal.save(update_fields=["status", "answered_at"])
    scoring.score_proposal_answered(proposal=proposal, refused=status == Proposal.Status.REFUSED)
    metrics.proposal_answered(status)
