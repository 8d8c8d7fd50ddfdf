"""The dashboard poll is bounded: at most DASHBOARD_MAX_CARDS open proposal cards (soonest
expiry first), the rest counted, and the same queries with 5 or 50 open proposals."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.models import Proposal
from bookings.selectors import DASHBOARD_MAX_CARDS
from tests.bookings.helpers import NOW, at
from tests.factories import booking_customer, booking_request_row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _open_proposals(pro, service, count, first_day=3):
    for day in range(first_day, first_day + count):
        customer, address = booking_customer()
        request = booking_request_row(
            customer=customer, address=address, service=service, start=at(day, 10)
        )
        Proposal.objects.create(
            request=request, pro=pro, sent_at=NOW, expires_at=NOW + timedelta(minutes=day)
        )


def _poll(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pro/proposals", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    return html, len(queries), re.findall(r'id="proposal-(\d+)-open"', html)


def test_the_poll_shows_the_first_cards_and_counts_the_rest(clock, make_pro, service):
    pro = make_pro()
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(pro.user)
    _open_proposals(pro, service, 5)
    _poll(client)  # the first request also records the pro's language (one UPDATE, once)
    html, few_queries, cards = _poll(client)
    assert len(cards) == 5 and "more proposals" not in html

    _open_proposals(pro, service, 45, first_day=8)
    html, many_queries, cards = _poll(client)
    assert many_queries == few_queries
    assert len(cards) == DASHBOARD_MAX_CARDS == 10
    soonest = Proposal.objects.filter(pro=pro).order_by("expires_at", "pk")[:10]
    assert cards == [str(proposal.pk) for proposal in soonest]
    assert "and 40 more proposals" in html
