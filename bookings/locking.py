"""Every row lock the bookings transitions take, and the one order they take them in.

Two transactions that lock the same rows in the same order queue instead of deadlocking,
so every transition locks along `LOCK_ORDER` and never goes back up it:

0. before any of these, the customer's account, only by the transactions that create or
   end a customer's requests: the user row, then the customer row. Account closure
   (privacy.erasure) takes both FOR UPDATE, blacklisting (customers.services) the customer
   row FOR UPDATE, then they end the open requests (step 1 on); creating a request
   (services.requests.lock_customer_for_new_request) takes both FOR NO KEY UPDATE and
   re-checks the account under them before inserting, so no request is left open after a
   closure or a blacklisting (tests/concurrency/test_closure_race.py). Nothing that already
   holds a request lock takes these rows;
1. the booking request (`lock_request`): every transition on a request starts here, which
   also makes "first accept wins" a plain re-check under this lock;
2. the request's proposal, counter-offer or booking row (`lock_proposal_for`,
   `lock_counter_for`, `lock_open_answers`, `lock_booking`), several rows in pk order;
3. the pro's row, FOR NO KEY UPDATE (`lock_pro_for_booking`), taken just before
4. the booking insert, which the exclusion constraint guards: inserts for one pro then come
   one after the other, where concurrent inserts into the constraint could deadlock.

After the insert, a transition may still lock more of the same request's rows (confirming
withdraws the other proposals): nobody can hold those without holding the request.
The booking write's database trigger then takes the pro's zone-cell lock (a
transaction-level advisory lock, pros migration 0010 and bookings 0008), below everything
above: the rows a transition may still lock after it are its own request's (above).
tests/bookings/test_lock_order.py reads the order off the SQL of the transitions.
"""

from enum import IntEnum

from core.errors import NotFound
from pros.models import Pro

from .models import Booking, BookingRequest, CounterOffer, Proposal


class LockStep(IntEnum):
    """A transaction takes its locks in this order, skipping the steps it does not need."""

    REQUEST = 1
    ANSWER = 2  # proposal / counter-offer / booking rows of that request
    PRO = 3  # pros_pro FOR NO KEY UPDATE
    BOOKING_INSERT = 4


LOCK_ORDER = tuple(LockStep)


# --- 1. the request -------------------------------------------------------------------------


def lock_request(pk) -> BookingRequest:
    """The request, locked (waits for the transaction holding it)."""
    return BookingRequest.objects.select_for_update().get(pk=pk)


def try_lock_request(pk, *, skip_locked: bool = False) -> BookingRequest | None:
    """The engine's lock: None when the request is gone or, with `skip_locked` (the sweep),
    when another transaction holds it (that one is answering it: no need to wait)."""
    return BookingRequest.objects.select_for_update(skip_locked=skip_locked).filter(pk=pk).first()


# --- 2. its proposals, counter-offers, booking ------------------------------------------------


def lock_proposal_for(proposal, pro) -> tuple[BookingRequest, Proposal]:
    """The request, then the pro's own proposal (someone else's is "not found")."""
    request = lock_request(proposal.request_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.pro_id != pro.pk:
        raise NotFound()
    return request, proposal


def lock_counter_for(counter_offer, customer) -> tuple[BookingRequest, CounterOffer]:
    """The request (the customer's own, else "not found"), then the counter-offer's
    proposal, then the counter-offer."""
    request = lock_request(counter_offer.request_id)
    if request.customer_id != customer.pk:
        raise NotFound()
    Proposal.objects.select_for_update().filter(pk=counter_offer.proposal_id).first()
    counter = CounterOffer.objects.select_for_update().get(pk=counter_offer.pk)
    return request, counter


def lock_open_answers(request, *, pro=None) -> tuple[list[Proposal], list[CounterOffer]]:
    """The request's sent proposals and open counter-offers (only `pro`'s when given), in pk
    order, with their pros (the caller tells them). The request must be locked already."""
    pro_filter = {"pro": pro} if pro is not None else {}
    proposals = (
        request.proposals.select_for_update(of=("self",))
        .filter(status=Proposal.Status.SENT, **pro_filter)
        .select_related("pro__user")
        .order_by("pk")
    )
    counters = (
        request.counter_offers.select_for_update(of=("self",))
        .filter(status=CounterOffer.Status.OPEN, **pro_filter)
        .select_related("pro__user")
        .order_by("pk")
    )
    return list(proposals), list(counters)


def lock_due_proposals(request, now) -> list[Proposal]:
    """The request's sent proposals whose answer time is over, in pk order."""
    return list(
        request.proposals.select_for_update()
        .filter(status=Proposal.Status.SENT, expires_at__lte=now)
        .order_by("pk")
    )


def lock_booking(booking) -> tuple[BookingRequest, Booking]:
    """The booking's request, then the booking (with its pro, who is told)."""
    request = lock_request(booking.request_id)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("pro__user")
        .get(pk=booking.pk)
    )
    return request, booking


# --- 3. the pro's row, just before 4. the booking insert -----------------------------------------


def lock_pro_for_booking(pro):
    """The pro's row FOR NO KEY UPDATE (readers and other key-sharing locks go on), re-read
    so the caller re-checks who may work on fresh data: `pro` may be stale."""
    return Pro.objects.select_for_update(no_key=True).get(pk=pro.pk)
