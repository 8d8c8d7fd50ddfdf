"""Pro agenda (by Paris day, upcoming and past) and a booking's page (own bookings only)."""

from datetime import datetime

import pytest
from django.http import Http404
from django.test import RequestFactory

from bookings import services
from bookings.views import _get_booking_for_pro
from core.clock import PARIS
from core.money import format_eur
from tests.bookings.helpers import at
from tests.bookings.test_views_dashboard import client_for
from tests.factories import booking_customer, booking_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro(make_pro):
    return make_pro()


@pytest.fixture
def row(pro, customer, address, service):
    def make(start, **kwargs):
        kwargs.setdefault("pro", pro)
        return booking_row(
            customer=customer, address=address, service=service, start=start, **kwargs
        )

    return make


def test_agenda_groups_sessions_by_paris_day(clock, pro, row):
    # 00:30 on Thursday in Paris is still Wednesday in UTC: it belongs to Thursday.
    late = row(datetime(2026, 3, 5, 0, 30, tzinfo=PARIS))
    morning = row(at(3, 9))
    friday = row(at(4, 11))
    html = client_for(pro.user).get("/pro/agenda").content.decode()
    thursday_at = html.index("Thursday 5 March 2026")
    friday_at = html.index("Friday 6 March 2026")
    assert html.count('class="day-title"') == 2
    assert (
        thursday_at
        < html.index(f"/pro/bookings/{late.pk}")
        < html.index(f"/pro/bookings/{morning.pk}")
        < friday_at
        < html.index(f"/pro/bookings/{friday.pk}")
    )
    assert "00:30" in html


def test_agenda_upcoming_and_past_tabs(clock, pro, row):
    upcoming = row(at(2, 10))
    past = row(at(-2, 10), status="completed")
    cancelled_upcoming = row(at(5, 10), status="cancelled")
    client = client_for(pro.user)
    html = client.get("/pro/agenda").content.decode()
    assert f"/pro/bookings/{upcoming.pk}" in html
    assert f"/pro/bookings/{past.pk}" not in html
    assert f"/pro/bookings/{cancelled_upcoming.pk}" not in html
    html = client.get("/pro/agenda?when=past").content.decode()
    assert f"/pro/bookings/{past.pk}" in html
    assert f"/pro/bookings/{upcoming.pk}" not in html
    assert "Completed" in html


def test_agenda_shows_only_the_pros_own_sessions(clock, pro, make_pro, row):
    other = make_pro()
    theirs = row(at(2, 10), pro=other)
    html = client_for(pro.user).get("/pro/agenda").content.decode()
    assert f"/pro/bookings/{theirs.pk}" not in html
    assert "No session planned" in html


def test_agenda_lists_sessions_waiting_for_the_customer(
    clock, pro, row, customer, address, service
):
    row(at(-7, 10), status="completed")
    services.pro_session_propose(
        pro=pro, customer=customer, service=service, address=address, start=at(6, 16)
    )
    html = client_for(pro.user).get("/pro/agenda").content.decode()
    assert "Waiting for the customer" in html
    assert customer.user.first_name in html


def test_booking_page_shows_the_exact_address_and_the_net_amount(clock, pro, row, address):
    booking = row(at(2, 10))
    html = client_for(pro.user).get(f"/pro/bookings/{booking.pk}").content.decode()
    assert address.street in html
    assert "75001 Paris" in html
    assert booking.customer.user.first_name in html
    assert booking.customer.user.last_name not in html
    assert format_eur(booking.pro_net_cents, "en") in html
    assert "Confirmed" in html
    assert "10:00–12:00" in html


def test_cancelled_booking_hides_the_street(clock, pro, row, address):
    booking = row(at(2, 10), status="cancelled")
    html = client_for(pro.user).get(f"/pro/bookings/{booking.pk}").content.decode()
    assert address.street not in html
    assert "Cancelled" in html


def test_booking_of_another_pro_is_not_found(clock, pro, make_pro, row):
    other = make_pro()
    booking = row(at(2, 10), pro=other)
    assert client_for(pro.user).get(f"/pro/bookings/{booking.pk}").status_code == 404
    assert client_for(other.user).get(f"/pro/bookings/{booking.pk}").status_code == 200


def test_access_checked_getter(clock, pro, make_pro, row):
    other = make_pro()
    mine, theirs = row(at(2, 10)), row(at(2, 10), pro=other)
    request = RequestFactory().get("/")
    request.pro = pro
    assert _get_booking_for_pro(request, mine.pk) == mine
    with pytest.raises(Http404):
        _get_booking_for_pro(request, theirs.pk)
    with pytest.raises(Http404):
        _get_booking_for_pro(request, 999_999)


def test_booking_timeline_shows_own_steps_not_other_pros(clock, pro, make_pro, book):
    other = make_pro()
    other.user.first_name = "Zéphyrine"  # a name no random factory name can collide with
    other.user.save(update_fields=["first_name"])
    request = book(at(0, 15))  # both asked at once
    services.proposal_refuse(proposal=request.proposals.get(pro=other), pro=other)
    booking = services.proposal_accept(proposal=request.proposals.get(pro=pro), pro=pro)
    response = client_for(pro.user).get(f"/pro/bookings/{booking.pk}")
    html = response.content.decode()
    assert "The customer sent the request" in html
    assert "The proposal was sent to you" in html
    assert "You accepted" in html
    assert "Session confirmed" in html
    assert html.count("timeline-proposal_sent") == 1  # not the other pro's
    assert "timeline-proposal_refused" not in html
    assert other.user.first_name not in html


def test_booking_page_needs_a_pro(clock, row):
    booking = row(at(2, 10))
    customer_user = booking_customer()[0].user
    response = client_for(customer_user).get(f"/pro/bookings/{booking.pk}")
    assert response.status_code == 302 and response.url == "/pro/signup"
