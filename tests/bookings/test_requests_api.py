"""POST/GET /api/v1/booking-requests: refusals in order, with codes, writing nothing."""

from datetime import timedelta

import pytest

from bookings import services, tasks
from bookings.models import BookingEvent, BookingRequest
from customers.models import Customer
from tests.bookings.helpers import NOW, at
from tests.factories import AddressFactory, booking_customer, booking_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/booking-requests"


@pytest.fixture
def client(api_client, customer):
    api_client.force_authenticate(customer.user)
    return api_client


def payload(service, address, start, **extra):
    return {"service": service.pk, "address": address.pk, "start": start.isoformat(), **extra}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert BookingRequest.objects.count() == 0
    assert BookingEvent.objects.count() == 0


def test_created_with_status_and_price_snapshot(
    clock, client, make_pro, service, address, dispatch_wakeups
):
    make_pro()
    response = client.post(
        URL, payload(service, address, at(3, 10), notes="Code 1234"), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "dispatching"
    assert body["price_cents"] == service.price_cents == 5184
    assert body["start"] == "2026-03-05T10:00:00+01:00"
    assert body["end"] == "2026-03-05T12:00:00+01:00"
    assert body["booking"] is None and body["counter_offers"] == []
    request = BookingRequest.objects.get()
    assert request.pro_net_cents + request.platform_share_cents == request.price_cents
    assert request.booking_deadline == at(3, 8)
    assert list(request.events.values_list("kind", flat=True)) == ["request_created"]


def test_the_created_answer_is_what_reading_the_request_gives(
    clock, client, make_pro, service, address, customer, django_assert_max_num_queries
):
    from bookings.api.customer import _request_payload

    make_pro()
    body = {**payload(service, address, at(3, 10)), "access_details": "Code 1234"}
    # 9 statements and the service's savepoint (the test runs in a transaction): no savepoint
    # around the insert, no re-read after the commit.
    with django_assert_max_num_queries(11):
        response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created == _request_payload(customer, created["id"])
    assert created["access_details"] == "Code 1234" and created["exclusive_pro"] is None


def test_blacklisted_customer_is_refused_before_anything_else(clock, client, customer, service):
    Customer.objects.filter(pk=customer.pk).update(is_blacklisted=True)
    response = client.post(URL, {"service": 999999, "start": "tomorrow"}, format="json")
    assert_error(response, 403, "customer_blacklisted")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service": 999999}, "service"),
        ({"start": "2026-03-05T10:00:00"}, "start"),  # naive: refused, never guessed
        ({"start": "next thursday"}, "start"),
        ({"notes": "x" * 1001}, "notes"),
    ],
)
def test_bad_input_is_400_invalid(clock, client, make_pro, service, address, change, field):
    make_pro()
    response = client.post(URL, {**payload(service, address, at(3, 10)), **change}, format="json")
    assert_error(response, 400, "invalid")
    assert field in response.json()["error"]["fields"]


def test_someone_elses_address_is_invalid(clock, client, make_pro, service):
    make_pro()
    _other, other_address = booking_customer()
    response = client.post(URL, payload(service, other_address, at(3, 10)), format="json")
    assert_error(response, 400, "invalid")
    assert "address" in response.json()["error"]["fields"]


def test_no_card_comes_before_the_two_hour_rule(clock, api_client, make_pro, service):
    make_pro()
    customer, address = booking_customer(card=False)
    api_client.force_authenticate(customer.user)
    response = api_client.post(
        URL, payload(service, address, NOW + timedelta(minutes=30)), format="json"
    )
    assert_error(response, 400, "payment_method_required")


def test_two_hour_rule(clock, client, make_pro, service, address):
    make_pro()
    response = client.post(
        URL,
        payload(service, address, NOW + timedelta(hours=2) - timedelta(minutes=1)),
        format="json",
    )
    assert_error(response, 400, "too_late_to_book")
    response = client.post(URL, payload(service, address, NOW + timedelta(hours=2)), format="json")
    assert response.status_code == 201


def test_too_late_comes_before_no_pro_in_area(clock, client, service, address):
    response = client.post(URL, payload(service, address, NOW + timedelta(hours=1)), format="json")
    assert_error(response, 400, "too_late_to_book")


def test_address_outside_every_zone(clock, client, make_pro, service, customer):
    make_pro()  # Paris
    lyon = AddressFactory(customer=customer, lat=45.764, lng=4.8357)
    response = client.post(URL, payload(service, lyon, at(3, 10)), format="json")
    assert_error(response, 400, "no_pro_in_area")


def test_only_customers_book(clock, api_client, make_pro, service, address):
    pro = make_pro()
    api_client.force_authenticate(pro.user)
    assert_error(
        api_client.post(URL, payload(service, address, at(3, 10)), format="json"),
        403,
        "not_a_customer",
    )
    api_client.force_authenticate(None)
    assert_error(
        api_client.post(URL, payload(service, address, at(3, 10)), format="json"),
        401,
        "not_authenticated",
    )


def test_list_and_detail_show_only_the_customers_own(
    clock, client, make_pro, book, customer, address, service, django_assert_max_num_queries
):
    pros = [make_pro(score=90 - i) for i in range(3)]
    mine = [book(at(3 + i, 10)) for i in range(3)]
    services.proposal_accept(proposal=mine[0].proposals.get(), pro=pros[0])
    proposal = mine[1].proposals.get()
    services.proposal_counter(proposal=proposal, pro=proposal.pro, start=at(4, 15))
    other_customer, other_address = booking_customer()
    theirs = services.booking_request_create(
        customer=other_customer, address=other_address, service=service, start=at(3, 14)
    )

    with django_assert_max_num_queries(6):
        response = client.get(URL)
    body = response.json()
    assert body["count"] == 3 and {"next", "previous", "results"} <= set(body)
    by_id = {row["id"]: row for row in body["results"]}
    assert set(by_id) == {r.pk for r in mine}
    assert by_id[mine[0].pk]["status"] == "confirmed"
    assert by_id[mine[0].pk]["booking"]["pro"]["first_name"] == pros[0].user.first_name
    assert by_id[mine[0].pk]["booking"]["price_cents"] == mine[0].price_cents
    assert [c["start"] for c in by_id[mine[1].pk]["counter_offers"]] == [
        "2026-03-06T15:00:00+01:00"
    ]

    assert client.get(f"{URL}/{mine[2].pk}").json()["status"] == "dispatching"
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404


def test_list_query_count_does_not_grow_with_rows(
    clock, client, make_pro, customer, address, service, django_assert_max_num_queries
):
    pro = make_pro()
    for i in range(12):
        booking_row(
            pro=pro,
            customer=customer,
            address=address,
            service=service,
            start=at(3, 7) + timedelta(hours=3 * i),
        )
    with django_assert_max_num_queries(6):
        assert client.get(URL).json()["count"] == 12


def test_cancel_before_confirmation_tells_the_pros(clock, client, make_pro, book):
    pro = make_pro()
    request = book(at(3, 10))
    response = client.post(f"{URL}/{request.pk}/cancel", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert request.proposals.get().status == "withdrawn"
    assert pro.user.notifications.filter(kind="proposal_cancelled").count() == 1
    assert services.dispatch_sweep() == 0  # nothing left to do for the engine


def test_cancelling_a_confirmed_request_is_a_conflict(clock, client, make_pro, book):
    pro = make_pro()
    request = book(at(3, 10))
    services.proposal_accept(proposal=request.proposals.get(), pro=pro)
    response = client.post(f"{URL}/{request.pk}/cancel", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_unavailable"


def test_cancel_someone_elses_request_is_404(clock, api_client, make_pro, book):
    make_pro()
    request = book(at(3, 10))
    intruder, _address = booking_customer()
    api_client.force_authenticate(intruder.user)
    assert api_client.post(f"{URL}/{request.pk}/cancel", {}, format="json").status_code == 404
    request.refresh_from_db()
    assert request.status == "dispatching"


def test_dispatch_task_for_a_missing_request_is_harmless(db):
    tasks.dispatch_request(123456789)
