"""The bell agrees with the dashboard: a proposal's notification counts as unread only while
the proposal can still be answered (a card on the dashboard); once answered, expired, taken
or cancelled it no longer counts, and the news that it was withdrawn never does."""

import re
from datetime import datetime, timedelta
from datetime import time as dtime

import pytest
import time_machine
from django.test import Client

from bookings import selectors as booking_selectors
from bookings import services, tasks
from bookings.models import Proposal
from catalog.models import Service
from core import clock
from notifications.models import Notification
from notifications.selectors import unread_count
from notifications.services import notify
from tests.factories import booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def menage():
    return Service.objects.get(slug="menage-2h")


@pytest.fixture
def pro(menage):
    pro = dispatchable_pro(services=[menage])
    Notification.objects.filter(user=pro.user).delete()  # its "ID verified" news
    return pro


def _proposal_for(pro, menage, *, days=3, hour=10) -> Proposal:
    customer, address = booking_customer()
    start = datetime.combine(clock.today() + timedelta(days=days), dtime(hour), tzinfo=clock.PARIS)
    request = services.booking_request_create(
        customer=customer, service=menage, address=address, start=start
    )
    tasks.dispatch_request(request.pk)
    return Proposal.objects.get(request=request, pro=pro)


def _bell(client) -> int:
    html = client.get("/pro/notifications/bell", headers=HTMX).content.decode()
    found = re.search(r'<span class="bell-count">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def _cards(pro) -> int:
    return booking_selectors.open_proposals_for(pro).count()


@pytest.fixture
def client(pro):
    client = Client()
    client.force_login(pro.user)
    return client


def test_answered_proposals_leave_the_bell_as_they_leave_the_dashboard(pro, menage, client):
    first, second = _proposal_for(pro, menage), _proposal_for(pro, menage, hour=14)
    assert _bell(client) == _cards(pro) == 2

    services.proposal_refuse(proposal=first, pro=pro)
    assert _bell(client) == _cards(pro) == 1

    services.proposal_accept(proposal=second, pro=pro)
    assert _bell(client) == _cards(pro) == 0
    # Still listed, shown as read.
    html = client.get("/pro/notifications").content.decode()
    assert html.count('class="notification-title"') >= 2 and "is-unread" not in html


def test_an_expired_proposal_no_longer_counts(pro, menage, client):
    proposal = _proposal_for(pro, menage)
    assert _bell(client) == _cards(pro) == 1
    with time_machine.travel(proposal.expires_at + timedelta(seconds=1), tick=False):
        assert _bell(client) == _cards(pro) == 0
        assert unread_count(user=pro.user) == 0


def test_a_cancelled_request_counts_neither_its_proposal_nor_the_news(pro, menage, client):
    proposal = _proposal_for(pro, menage)
    services.booking_request_cancel(request=proposal.request, by=proposal.request.customer.user)
    assert Notification.objects.filter(user=pro.user, kind="proposal_cancelled").exists()
    assert _bell(client) == _cards(pro) == 0


def test_other_news_still_counts_and_the_list_agrees_with_the_bell(pro, menage, client, api_client):
    _proposal_for(pro, menage)
    refused = _proposal_for(pro, menage, hour=15)
    services.proposal_refuse(proposal=refused, pro=pro)
    notify(user=pro.user, kind="support_answer", params={"quote": "Bonjour"})
    assert _bell(client) == 2  # the open proposal and support's answer
    html = client.get("/pro/notifications").content.decode()
    assert html.count("is-unread") == 2
    api_client.force_authenticate(pro.user)
    assert api_client.get("/api/v1/notifications?unread=1").json()["count"] == 2
    assert api_client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}


def test_the_bell_stays_one_query_with_many_proposals(
    pro, menage, client, django_assert_max_num_queries
):
    for hour in (9, 11, 13, 15, 17):
        _proposal_for(pro, menage, hour=hour)
    _bell(client)  # the first request records the language
    with django_assert_max_num_queries(3):  # session, user, count
        assert _bell(client) == 5
