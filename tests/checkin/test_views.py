"""Pro web UI: the arrival card on the dashboard from T-30 min, the declaration menu on the
booking page (htmx and plain posts), the "to declare" list, fee waivers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from checkin.models import BillableItem, Outcome
from tests.checkin.helpers import NOW, at, record_of
from tests.factories import dispatchable_pro

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user, language="en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.fixture
def web(pro):
    return client_for(pro.user)


def test_the_dashboard_shows_the_arrival_card_from_30_minutes_before(clock, session, web):
    session(NOW + timedelta(minutes=31))
    assert "I have arrived" not in web.get("/pro/").content.decode()
    clock.shift(timedelta(minutes=1))
    page = web.get("/pro/").content.decode()
    assert "I have arrived" in page and "arrival-card" in page


def test_arriving_from_the_home_card_swaps_the_card(clock, session, web):
    booking = session(NOW + timedelta(minutes=20))
    response = web.post(
        f"/pro/bookings/{booking.pk}/declare", {"kind": "arrival", "from": "home"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arrived at 09:00" in html and "I have arrived" not in html
    assert record_of(booking).arrived_at == NOW


def test_the_booking_page_offers_one_tap_per_kind_and_small_forms(clock, session, web):
    booking = session(NOW - timedelta(minutes=5))
    page = web.get(f"/pro/bookings/{booking.pk}").content.decode()
    for css in (
        "declare-arrival",
        "declare-late",
        "declare-customer_absent",
        "declare-done",
        "declare-pro_cancels",
        "declare-changed",
    ):
        assert css in page, css
    assert "declare-no_show" not in page  # from 09:25


def test_a_refusal_is_shown_in_the_panel_and_nothing_changes(clock, session, web):
    booking = session(NOW + timedelta(hours=5))
    response = web.post(f"/pro/bookings/{booking.pk}/declare", {"kind": "done"}, headers=HTMX)
    assert response.status_code == 200
    assert "card-error" in response.content.decode()
    assert record_of(booking).outcome == Outcome.PENDING


def test_late_with_a_value_then_done_by_plain_posts(clock, session, web):
    booking = session(NOW + timedelta(minutes=10))
    response = web.post(f"/pro/bookings/{booking.pk}/declare", {"kind": "late", "minutes": "15"})
    assert response.status_code == 302
    assert record_of(booking).late_minutes == 15
    clock.move_to(NOW + timedelta(hours=2))
    web.post(f"/pro/bookings/{booking.pk}/declare", {"kind": "done"})
    assert record_of(booking).outcome == Outcome.DONE


def test_another_pros_booking_is_404(clock, session, cleaning):
    booking = session(NOW)
    other = client_for(dispatchable_pro(services=[cleaning]).user)
    assert other.post(f"/pro/bookings/{booking.pk}/declare", {"kind": "arrival"}).status_code == 404
    assert record_of(booking).arrived_at is None


def test_to_declare_list_with_days_left_in_few_queries(clock, session, web, pro):
    for days in (1, 2, 3, 4):
        session(at(-days, 10))
    with CaptureQueriesContext(connection) as queries:
        page = web.get("/pro/to-declare").content.decode()
    assert page.count('class="days-left') == 4
    assert "2 days left" in page  # 4 days ago (26 Feb): its last day is Tuesday 3 March
    assert len(queries) <= 8


def test_the_pro_waives_a_fee_from_the_booking_page(clock, session, web):
    booking = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(days=1))
    from checkin import services

    services.booking_customer_cancel(booking=booking, customer=booking.customer)
    item = BillableItem.objects.get(booking=booking)
    page = web.get(f"/pro/bookings/{booking.pk}").content.decode()
    assert "Waive" in page
    response = web.post(f"/pro/bookings/{booking.pk}/fees/{item.pk}/waive", headers=HTMX)
    assert "waived" in response.content.decode()
    item.refresh_from_db()
    assert item.waived_at is not None


def test_a_closing_declaration_reloads_the_whole_page(clock, session, web):
    booking = session(NOW - timedelta(hours=2))
    response = web.post(f"/pro/bookings/{booking.pk}/declare", {"kind": "done"}, headers=HTMX)
    assert response.headers["HX-Refresh"] == "true"
    page = web.get(f"/pro/bookings/{booking.pk}").content.decode()
    assert "badge-outcome-done" in page and "Declaration recorded." in page
