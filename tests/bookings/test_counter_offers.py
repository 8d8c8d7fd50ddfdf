"""A pro proposes another time: dispatch goes on; the customer accepts or declines."""

from datetime import timedelta

import pytest

from bookings import services, tasks
from bookings.models import Booking, CounterOffer
from tests.bookings.helpers import NOW, at, sent_to
from tests.factories import booking_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def countered(clock, book, make_pro):
    first, second = make_pro(score=90), make_pro(score=80)
    request = book(at(3, 10))
    counter = services.proposal_counter(
        proposal=request.proposals.get(pro=first), pro=first, start=at(3, 15)
    )
    return request, counter, first, second


def test_counter_offer_frees_the_place_and_tells_the_customer(countered, customer):
    request, counter, first, second = countered
    assert counter.status == "open" and counter.end == at(3, 17)
    assert request.proposals.get(pro=first).status == "countered"
    assert customer.user.notifications.filter(kind="counter_offer").count() == 1
    tasks.dispatch_request(request.pk)  # the wake-up enqueued on commit
    request.refresh_from_db()
    assert sent_to(request) == [second.pk]


def test_counter_offer_accepted_becomes_the_booking_and_closes_the_request(
    countered, api_client, customer
):
    request, counter, first, second = countered
    tasks.dispatch_request(request.pk)
    api_client.force_authenticate(customer.user)
    response = api_client.post(f"/api/v1/counter-offers/{counter.pk}/accept")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["booking"]["start"] == "2026-03-05T15:00:00+01:00"
    booking = Booking.objects.get()
    assert (booking.pro, booking.start, booking.end) == (first, at(3, 15), at(3, 17))
    assert request.proposals.get(pro=second).status == "withdrawn"
    assert second.user.notifications.filter(kind="proposal_taken").exists()
    assert first.user.notifications.filter(kind="counter_offer_accepted").exists()


def test_counter_offer_declined_keeps_dispatch_going(countered, api_client, customer):
    request, counter, first, second = countered
    api_client.force_authenticate(customer.user)
    response = api_client.post(f"/api/v1/counter-offers/{counter.pk}/decline")
    assert response.status_code == 200
    counter.refresh_from_db()
    assert counter.status == "declined"
    assert response.json()["counter_offers"] == []
    assert first.user.notifications.filter(kind="counter_offer_declined").exists()
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert request.status == "dispatching" and sent_to(request) == [second.pk]
    response = api_client.post(f"/api/v1/counter-offers/{counter.pk}/accept")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "counter_offer_unavailable"


def test_counter_offers_lapse_when_another_pro_accepts(countered):
    request, counter, first, second = countered
    tasks.dispatch_request(request.pk)
    services.proposal_accept(proposal=request.proposals.get(pro=second), pro=second)
    counter.refresh_from_db()
    assert counter.status == CounterOffer.Status.LAPSED
    assert first.user.notifications.filter(kind="proposal_taken").exists()


def test_counter_offers_lapse_when_the_request_is_cancelled(countered, customer):
    request, counter, *_ = countered
    services.booking_request_cancel(request=request, by=customer.user)
    counter.refresh_from_db()
    assert counter.status == CounterOffer.Status.LAPSED


def test_counter_offer_obeys_the_two_hour_rule(clock, book, make_pro):
    pro = make_pro()
    request = book(at(3, 10))
    with pytest.raises(services.TooLateToBook):
        services.proposal_counter(
            proposal=request.proposals.get(), pro=pro, start=NOW + timedelta(minutes=119)
        )
    assert CounterOffer.objects.count() == 0


def test_counter_offer_obeys_the_pros_agenda(
    clock, book, make_pro, customer, address, service, api_client
):
    pro = make_pro()
    request = book(at(3, 10))
    booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(3, 17)
    )  # 15-17 + 30 min
    api_client.force_authenticate(pro.user)
    url = f"/api/v1/pro/proposals/{request.proposals.get().pk}/counter"
    response = api_client.post(url, {"start": at(3, 15).isoformat()}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "agenda_conflict"
    response = api_client.post(url, {"start": "2026-03-05T15:00:00"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    response = api_client.post(url, {"start": at(3, 14).isoformat()}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["start"] == "2026-03-05T14:00:00+01:00"


def test_accepting_a_counter_offer_too_late_is_refused(clock, countered, customer):
    _request, counter, *_ = countered
    clock.move_to(at(3, 13, 1))
    with pytest.raises(services.TooLateToBook):
        services.counter_offer_accept(counter_offer=counter, customer=customer)


def test_a_counter_offer_for_a_taken_slot_cannot_be_accepted(countered, customer, address, service):
    _request, counter, first, _second = countered
    booking_row(pro=first, customer=customer, address=address, service=service, start=at(3, 16))
    with pytest.raises(services.AgendaConflict):
        services.counter_offer_accept(counter_offer=counter, customer=customer)


def test_accepting_a_counter_offer_withdraws_a_proposal_whose_id_equals_the_counters(
    countered, customer
):
    """Proposals and counter-offers have separate id sequences: the accepted counter-offer
    must not shield another pro's proposal that happens to carry the same id."""
    from django.db import connection

    request, counter, first, second = countered
    with connection.cursor() as cursor:  # make the next proposal id equal the counter's id
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('bookings_proposal', 'id'), %s, false)",
            [counter.pk],
        )
    tasks.dispatch_request(request.pk)
    colliding = request.proposals.get(pro=second)
    assert colliding.pk == counter.pk

    services.counter_offer_accept(counter_offer=counter, customer=customer)
    colliding.refresh_from_db()
    assert colliding.status == "withdrawn"
    assert second.user.notifications.filter(kind="proposal_taken").exists()


def test_a_blacklisted_customer_cannot_accept_a_counter_offer(countered, customer):
    from core.errors import DomainError
    from customers.services import customer_blacklist

    request, counter, first, second = countered
    customer_blacklist(customer=customer, by=None, reason="Abusive messages")
    customer.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        services.counter_offer_accept(counter_offer=counter, customer=customer)
    assert caught.value.code == "customer_blacklisted"
    assert not Booking.objects.exists()
