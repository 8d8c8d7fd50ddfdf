"""The customer's answers to a pro's other time: accept it (it becomes the booking if the pro
is still free) or decline it (the pro is told; dispatch goes on)."""

from django.db import transaction

from core import clock

from .. import events, notifications
from ..dispatch.wakeups import free_place
from ..errors import CounterOfferUnavailable
from ..locking import lock_counter_for
from ..models import Booking, BookingRequest, CounterOffer
from ..rules import check_lead
from .bookings import book, confirm
from .requests import customer_ensure_card, customer_ensure_may_book

Status = BookingRequest.Status


def counter_offer_accept(*, counter_offer: CounterOffer, customer) -> Booking:
    """The pro's other time becomes the booking if the pro is still free; the request closes."""
    with transaction.atomic():
        request, counter = lock_counter_for(counter_offer, customer)
        if counter.status == CounterOffer.Status.ACCEPTED:
            return request.booking
        if counter.status != CounterOffer.Status.OPEN or not request.is_open:
            raise CounterOfferUnavailable()
        customer_ensure_may_book(customer=customer)
        now = clock.now()
        check_lead(counter.start, now)
        customer_ensure_card(customer=customer)
        booking = book(request, pro=counter.pro, start=counter.start, end=counter.end, now=now)
        _answer(counter, CounterOffer.Status.ACCEPTED, now)
        events.counter_offer_accepted(request=request, counter_offer=counter, actor=customer.user)
        confirm(request, booking, now=now, actor=customer.user, keep=counter)
        notifications.tell_pro_counter_offer_accepted(counter, request, booking)
        return booking


def counter_offer_decline(*, counter_offer: CounterOffer, customer) -> CounterOffer:
    """The pro is told; while the request still looks for a pro, the place goes to the next
    candidate at once."""
    with transaction.atomic():
        request, counter = lock_counter_for(counter_offer, customer)
        if counter.status == CounterOffer.Status.DECLINED:
            return counter
        if counter.status != CounterOffer.Status.OPEN:
            raise CounterOfferUnavailable()
        now = clock.now()
        _answer(counter, CounterOffer.Status.DECLINED, now)
        events.counter_offer_declined(request=request, counter_offer=counter, actor=customer.user)
        notifications.tell_pro_counter_offer_declined(counter, request)
        if request.status == Status.DISPATCHING:
            free_place(request, now=now)
        return counter


def _answer(counter: CounterOffer, status: str, now) -> None:
    counter.status = status
    counter.answered_at = now
    counter.save(update_fields=["status", "answered_at"])
