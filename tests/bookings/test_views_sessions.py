"""A pro sets up a new session for a customer they served (web page)."""

from datetime import timedelta

import pytest

from bookings.models import BookingRequest
from tests.bookings.helpers import NOW, at
from tests.bookings.test_views_dashboard import client_for
from tests.factories import AddressFactory, booking_customer, booking_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro(make_pro):
    return make_pro()


@pytest.fixture
def served(clock, pro, customer, address, service):
    """The pro completed a session for the customer last week, at `address`."""
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=at(-7, 10),
        status="completed",
    )
    return customer


def post(pro, **data):
    return client_for(pro.user).post("/pro/sessions/new", data)


def test_page_lists_past_customers_only(served, pro, make_pro, service):
    stranger_customer, stranger_address = booking_customer()
    other = make_pro()
    booking_row(
        pro=other,
        customer=stranger_customer,
        address=stranger_address,
        service=service,
        start=at(-3, 10),
        status="completed",
    )
    html = client_for(pro.user).get("/pro/sessions/new").content.decode()
    assert f'value="{served.pk}"' in html
    assert served.user.first_name in html
    assert f'value="{stranger_customer.pk}"' not in html
    assert f'value="{service.pk}"' in html
    assert 'type="datetime-local"' in html


def test_without_past_customers_the_page_explains(clock, pro):
    html = client_for(pro.user).get("/pro/sessions/new").content.decode()
    assert "Once you have completed a session for a customer" in html
    assert '<form method="post" class="card form session-form"' not in html


def test_proposing_a_session_waits_for_the_customer(served, pro, service, address):
    later_address = AddressFactory(customer=served, street="8 rue Oberkampf", postal_code="75011")
    response = post(
        pro,
        customer=served.pk,
        service=service.pk,
        start="2026-03-10T09:30",
        notes="Same as usual",
    )
    assert response.status_code == 302 and response.url == "/pro/agenda"
    request = BookingRequest.objects.get(origin="pro")
    assert request.status == "awaiting_customer"
    assert request.exclusive_pro == pro and request.customer == served
    assert request.start == at(8, 9, 30)  # Paris wall-clock
    assert request.address == address  # the last session's, not the newest address
    assert request.address != later_address
    assert request.notes == "Same as usual"
    assert served.user.notifications.filter(kind="session_proposed").exists()


def test_too_late_start_is_refused_on_the_form(served, pro, service):
    too_soon = (NOW + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M")
    response = post(pro, customer=served.pk, service=service.pk, start=too_soon)
    assert response.status_code == 400
    assert "at least 2 hours before" in response.content.decode()
    assert not BookingRequest.objects.filter(origin="pro").exists()


def test_overlapping_the_agenda_is_refused_on_the_form(served, pro, service, address):
    booking_row(pro=pro, customer=served, address=address, service=service, start=at(8, 9))
    response = post(pro, customer=served.pk, service=service.pk, start="2026-03-10T10:00")
    assert response.status_code == 400
    assert "overlaps another one in the agenda" in response.content.decode()
    assert not BookingRequest.objects.filter(origin="pro").exists()


def test_a_customer_never_served_cannot_be_chosen(served, pro, service):
    stranger, _address = booking_customer()
    response = post(pro, customer=stranger.pk, service=service.pk, start="2026-03-10T09:30")
    assert response.status_code == 400
    assert not BookingRequest.objects.filter(origin="pro").exists()


def test_only_the_pros_own_services(served, pro):
    from catalog.models import Service

    massage = Service.objects.get(slug="massage-sportif")
    response = post(pro, customer=served.pk, service=massage.pk, start="2026-03-10T09:30")
    assert response.status_code == 400
    assert not BookingRequest.objects.filter(origin="pro").exists()


def test_missing_date_shows_a_field_error(served, pro, service):
    response = post(pro, customer=served.pk, service=service.pk, start="")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
