"""Impossible or absurd datetimes on the bookings API answer 400 `invalid`, never 500."""

from datetime import timedelta

import pytest

from bookings.models import BookingEvent, BookingRequest, CounterOffer
from tests.bookings.helpers import NOW, at
from tests.factories import booking_row

pytestmark = pytest.mark.django_db

REQUESTS_URL = "/api/v1/booking-requests"

BAD_VALUES = [
    "2026-02-30T10:00:00+01:00",  # no 30 February
    "2026-03-05T25:00:00+01:00",  # no 25 o'clock
    "2026-03-05T10:00:00+25:00",  # offset beyond ±24 h
    "2026-03-05T10:61:00+01:00",
    "9999-12-31T22:00:00+00:00",  # start + duration overflows
    "9999-12-31T23:30:00-01:00",  # overflows when converted
    "0001-01-01T00:30:00+01:00",
    "1999-12-31T10:00:00+01:00",  # before 2000
    (NOW + timedelta(days=367)).isoformat(),  # more than a year ahead
]


def assert_invalid(response, field):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error


@pytest.mark.parametrize("value", BAD_VALUES)
def test_booking_request_start(clock, api_client, customer, address, service, make_pro, value):
    make_pro()
    api_client.force_authenticate(customer.user)
    response = api_client.post(
        REQUESTS_URL,
        {"service": service.pk, "address": address.pk, "start": value},
        format="json",
    )
    assert_invalid(response, "start")
    assert BookingRequest.objects.count() == 0
    assert BookingEvent.objects.count() == 0


def test_booking_request_far_ahead_message(clock, api_client, customer, address, service):
    api_client.force_authenticate(customer.user)
    response = api_client.post(
        REQUESTS_URL,
        {
            "service": service.pk,
            "address": address.pk,
            "start": (NOW + timedelta(days=400)).isoformat(),
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",  # the API answers in the app's language
    )
    assert_invalid(response, "start")
    assert response.json()["error"]["fields"]["start"] == ["Too far in the future."]


def test_booking_request_eleven_months_ahead_is_accepted(
    clock, api_client, customer, address, service, make_pro
):
    make_pro()
    api_client.force_authenticate(customer.user)
    start = at(330, 10)
    response = api_client.post(
        REQUESTS_URL,
        {"service": service.pk, "address": address.pk, "start": start.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.fixture
def served_pro(make_pro, customer, address, service):
    pro = make_pro()
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=10),
        status="completed",
    )
    return pro


@pytest.mark.parametrize("field", ["from", "to"])
@pytest.mark.parametrize("value", BAD_VALUES)
def test_slots_range(clock, api_client, customer, service, served_pro, field, value):
    api_client.force_authenticate(customer.user)
    query = {"service": service.pk, "from": at(1, 0).isoformat(), "to": at(2, 0).isoformat()}
    query[field] = value
    response = api_client.get(f"/api/v1/pros/{served_pro.pk}/slots", query)
    assert_invalid(response, field)


def test_slots_at_the_end_of_time(clock, api_client, customer, service, served_pro):
    api_client.force_authenticate(customer.user)
    response = api_client.get(
        f"/api/v1/pros/{served_pro.pk}/slots",
        {
            "service": service.pk,
            "from": "9999-12-25T10:00:00+00:00",
            "to": "9999-12-31T22:30:00+00:00",
        },
    )
    assert_invalid(response, "from")
    assert "to" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_counter_offer_start(clock, api_client, book, make_pro, value):
    pro = make_pro()
    request = book(at(3, 10))
    api_client.force_authenticate(pro.user)
    response = api_client.post(
        f"/api/v1/pro/proposals/{request.proposals.get().pk}/counter",
        {"start": value},
        format="json",
    )
    assert_invalid(response, "start")
    assert CounterOffer.objects.count() == 0
