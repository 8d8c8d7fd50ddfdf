"""The dashboard's "next sessions" block: refreshed from its own fragment when an accept
answer sends the `sessionsChanged` htmx event (QA h15: it needed a reload)."""

import pytest
from django.test import Client

from bookings.models import Booking
from tests.bookings.helpers import at
from tests.factories import booking_row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_block_listens_for_the_event(clock, make_pro):
    html = client_for(make_pro().user).get("/pro/").content.decode()
    block = html[html.index('id="next-sessions"') :][:300]
    assert 'hx-get="/pro/next-sessions"' in block
    assert 'hx-trigger="sessionsChanged from:body"' in block


def test_accept_sends_the_event_and_the_fragment_shows_the_session(clock, make_pro, book):
    pro = make_pro()
    proposal = book(at(3, 10)).proposals.get(pro=pro)
    client = client_for(pro.user)
    assert (
        'class="session-row"' not in client.get("/pro/next-sessions", headers=HTMX).content.decode()
    )
    response = client.post(f"/pro/proposals/{proposal.pk}/accept", headers=HTMX)
    assert response["HX-Trigger"] == "sessionsChanged"
    booking = Booking.objects.get(pro=pro)
    html = client.get("/pro/next-sessions", headers=HTMX).content.decode()
    assert f"/pro/bookings/{booking.pk}" in html


def test_refuse_sends_no_event(clock, make_pro, book):
    pro = make_pro()
    proposal = book(at(3, 10)).proposals.get(pro=pro)
    response = client_for(pro.user).post(f"/pro/proposals/{proposal.pk}/refuse", headers=HTMX)
    assert response.status_code == 200 and "HX-Trigger" not in response


def test_fragment_lists_only_the_pros_own_sessions_in_few_queries(
    clock, make_pro, customer, address, service, django_assert_max_num_queries
):
    pro, other = make_pro(), make_pro()
    mine = [
        booking_row(pro=pro, customer=customer, address=address, service=service, start=at(d, 9))
        for d in (1, 2, 3)
    ]
    theirs = booking_row(
        pro=other, customer=customer, address=address, service=service, start=at(1, 14)
    )
    client = client_for(pro.user)
    client.get("/pro/next-sessions", headers=HTMX)  # warm-up; then 5 whatever the count
    with django_assert_max_num_queries(5):
        response = client.get("/pro/next-sessions", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert all(f"/pro/bookings/{booking.pk}" in html for booking in mine)
    assert f"/pro/bookings/{theirs.pk}" not in html
    assert html.count('class="session-row"') == 3


def test_fragment_needs_a_pro(db):
    assert Client().get("/pro/next-sessions").status_code == 302
