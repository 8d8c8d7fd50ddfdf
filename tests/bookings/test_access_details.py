"""Access details (door code, floor, intercom) reach only the booked pro, from acceptance and
while the booking is confirmed: never a proposal, another pro, a notification or the calendar
feed. Notes stay what every pro offered the request reads."""

import json

import pytest
from django.test import Client

from bookings import services
from bookings.calendar_feed import pro_calendar
from bookings.models import Booking, BookingRequest
from notifications.models import Notification
from tests.bookings.helpers import at

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/booking-requests"
PROPOSALS = "/api/v1/pro/proposals"
PRO_BOOKINGS = "/api/v1/pro/bookings"
SECRET = "Digicode 4821B, 3e étage gauche"
NOTES = "Le chat reste à l'intérieur."


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def three_pros(make_pro):
    return [make_pro() for _ in range(3)]


@pytest.fixture
def urgent(clock, book, three_pros):
    """4 hours ahead: the first wave asks three pros at once."""
    request = book(at(0, 13), notes=NOTES, access_details=f"  {SECRET}  ")
    assert request.proposals.filter(status="sent").count() == 3
    return request


@pytest.fixture
def accepted(urgent, three_pros):
    proposal = urgent.proposals.get(pro=three_pros[0])
    return services.proposal_accept(proposal=proposal, pro=three_pros[0])


def _pro_api_text(api_client, pro, url) -> str:
    api_client.force_authenticate(pro.user)
    response = api_client.get(url)
    assert response.status_code in (200, 404), response.content
    return response.content.decode()


# --- customer API -----------------------------------------------------------------------------


def test_customer_creates_a_request_with_access_details_and_reads_them_back(
    clock, api_client, customer, make_pro, service, address
):
    make_pro()
    api_client.force_authenticate(customer.user)
    payload = {
        "service": service.pk,
        "address": address.pk,
        "start": at(3, 10).isoformat(),
        "notes": NOTES,
        "access_details": f"  {SECRET}\n",
    }
    response = api_client.post(REQUESTS, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["notes"] == NOTES
    assert body["access_details"] == SECRET  # cleaned like notes (core.text.clean_text)
    assert BookingRequest.objects.get().access_details == SECRET
    detail = api_client.get(f"{REQUESTS}/{body['id']}").json()
    assert detail["access_details"] == SECRET


@pytest.mark.parametrize(
    "value",
    ["x" * (BookingRequest.ACCESS_DETAILS_MAX_LENGTH + 1), "code\x001234", 1234],
)
def test_bad_access_details_are_400_invalid_and_write_nothing(
    clock, api_client, customer, make_pro, service, address, value
):
    make_pro()
    api_client.force_authenticate(customer.user)
    payload = {
        "service": service.pk,
        "address": address.pk,
        "start": at(3, 10).isoformat(),
        "access_details": value,
    }
    response = api_client.post(REQUESTS, payload, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and "access_details" in error["fields"]
    assert not BookingRequest.objects.exists()


def test_the_service_bounds_access_details_whoever_calls_it(clock, book, make_pro):
    make_pro()
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        book(at(3, 10), access_details="x" * (BookingRequest.ACCESS_DETAILS_MAX_LENGTH + 1))
    assert "access_details" in caught.value.fields
    assert not BookingRequest.objects.exists()


def test_customer_booking_detail_has_the_access_details(accepted, api_client, customer):
    api_client.force_authenticate(customer.user)
    body = api_client.get(f"/api/v1/bookings/{accepted.pk}").json()
    assert body["access_details"] == SECRET and body["notes"] == NOTES


# --- before acceptance: proposals, dashboards, notifications ----------------------------------


def test_proposals_carry_notes_but_never_access_details(urgent, three_pros, api_client):
    for pro in three_pros:
        text = _pro_api_text(api_client, pro, PROPOSALS)
        assert NOTES in text
        assert SECRET not in text and "4821B" not in text
        html = web_client(pro.user).get("/pro/").content.decode()
        assert "4821B" not in html
        assert "chat reste" in html  # the notes are on the card


def test_no_notification_carries_access_details(urgent, accepted):
    rows = json.dumps(list(Notification.objects.values()), default=str)
    assert Notification.objects.exists()
    assert "4821B" not in rows


# --- after acceptance: the booked pro only -----------------------------------------------------


def test_the_booked_pro_reads_them_in_the_api_and_on_the_booking_page(
    accepted, three_pros, api_client
):
    winner = three_pros[0]
    listed = json.loads(_pro_api_text(api_client, winner, PRO_BOOKINGS))
    assert listed["results"][0]["access_details"] == SECRET
    detail = json.loads(_pro_api_text(api_client, winner, f"{PRO_BOOKINGS}/{accepted.pk}"))
    assert detail["access_details"] == SECRET
    html = web_client(winner.user).get(f"/pro/bookings/{accepted.pk}").content.decode()
    assert "4821B" in html and "chat reste" in html


def test_other_pros_never_read_them(accepted, three_pros, api_client):
    for other in three_pros[1:]:
        for url in (PROPOSALS, PRO_BOOKINGS, f"{PRO_BOOKINGS}/{accepted.pk}"):
            assert "4821B" not in _pro_api_text(api_client, other, url)
        response = web_client(other.user).get(f"/pro/bookings/{accepted.pk}")
        assert response.status_code == 404
        assert "4821B" not in web_client(other.user).get("/pro/").content.decode()


def test_never_in_the_calendar_feed_even_for_the_booked_pro(accepted, three_pros):
    assert b"4821B" not in pro_calendar(three_pros[0])


@pytest.mark.parametrize("status", [Booking.Status.CANCELLED, Booking.Status.COMPLETED])
def test_gone_once_the_session_is_cancelled_or_completed(accepted, three_pros, api_client, status):
    Booking.objects.filter(pk=accepted.pk).update(status=status)
    winner = three_pros[0]
    detail = json.loads(_pro_api_text(api_client, winner, f"{PRO_BOOKINGS}/{accepted.pk}"))
    assert detail["access_details"] == ""
    html = web_client(winner.user).get(f"/pro/bookings/{accepted.pk}").content.decode()
    assert "4821B" not in html


# --- the customer changes them ------------------------------------------------------------------


def test_customer_changes_them_after_booking_and_only_the_booked_pro_reads_the_new_ones(
    accepted, three_pros, api_client, customer
):
    api_client.force_authenticate(customer.user)
    url = f"{REQUESTS}/{accepted.request_id}/access-details"
    response = api_client.post(url, {"access_details": " Code 9999, 2e étage "}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["access_details"] == "Code 9999, 2e étage"
    detail = json.loads(_pro_api_text(api_client, three_pros[0], f"{PRO_BOOKINGS}/{accepted.pk}"))
    assert detail["access_details"] == "Code 9999, 2e étage"
    assert "9999" not in _pro_api_text(api_client, three_pros[1], PRO_BOOKINGS)
    event = accepted.request.events.get(kind="access_details_changed")
    assert "9999" not in json.dumps(event.data)  # the timeline says that, never what


def test_changing_them_is_refused_once_the_session_is_over_or_for_someone_else(
    accepted, api_client, customer
):
    from tests.factories import booking_customer

    url = f"{REQUESTS}/{accepted.request_id}/access-details"
    other, _address = booking_customer()
    api_client.force_authenticate(other.user)
    assert api_client.post(url, {"access_details": "x"}, format="json").status_code == 404
    Booking.objects.filter(pk=accepted.pk).update(status=Booking.Status.COMPLETED)
    api_client.force_authenticate(customer.user)
    response = api_client.post(url, {"access_details": "Code 1"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_unavailable"
    too_long = "x" * (BookingRequest.ACCESS_DETAILS_MAX_LENGTH + 1)
    response = api_client.post(url, {"access_details": too_long}, format="json")
    assert response.status_code == 400
    assert BookingRequest.objects.get(pk=accepted.request_id).access_details == SECRET
