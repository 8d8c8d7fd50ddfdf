"""Support admin for dispatch: the flagged queue with timelines, bonus proposals, cancelling
and re-dispatching requests, cancelling bookings. Every action goes through the services."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client

from bookings import services, tasks
from bookings.models import Booking, BookingRequest, Proposal
from catalog.models import Service
from tests.bookings.helpers import at
from tests.factories import UserFactory, booking_row

pytestmark = pytest.mark.django_db

QUEUE = "/admin/bookings/flaggedbookingrequest/"


@pytest.fixture
def only_pro(make_pro):
    return make_pro()


def _flag(request, pro):
    services.proposal_refuse(proposal=request.proposals.get(pro=pro), pro=pro)
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert request.flagged_at is not None
    return request


@pytest.fixture
def flagged(clock, book, only_pro):
    return _flag(book(at(3, 10)), only_pro)


@pytest.fixture
def staff(db, settings):
    settings.LANGUAGE_CODE = "en"
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def client(staff):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(staff)
    return client


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_queue_lists_flagged_open_requests_soonest_start_first(
    clock, client, flagged, book, only_pro
):
    sooner = _flag(book(at(1, 10)), only_pro)
    not_flagged = book(at(2, 10))  # nobody asked yet is impossible: it has a proposal, not flagged
    assert not_flagged.flagged_at is None
    cancelled = _flag(book(at(4, 10)), only_pro)
    services.booking_request_cancel(request=cancelled, by=None, reason="test")
    html = client.get(QUEUE).content.decode()
    assert html.index(f"{QUEUE}{sooner.pk}/change/") < html.index(f"{QUEUE}{flagged.pk}/change/")
    assert f"{QUEUE}{not_flagged.pk}/change/" not in html
    assert f"{QUEUE}{cancelled.pk}/change/" not in html


def test_flagged_request_page_shows_the_timeline(clock, client, flagged, only_pro):
    html = client.get(f"{QUEUE}{flagged.pk}/change/").content.decode()
    assert 'class="timeline"' in html
    for label in ("Request created", "Proposal sent", "Refused", "Flagged for support"):
        assert label in html
    assert only_pro.user.get_full_name() in html  # who was asked
    assert "answer before" in html
    assert 'name="_save"' not in html  # read-only: changes go through the actions


def test_bonus_proposals_page_lists_pros_near_the_address_first(clock, client, flagged, make_pro):
    near = make_pro(lat=48.86, lng=2.35, services=[Service.objects.get(slug="massage-sportif")])
    far = make_pro(lat=48.70, lng=2.10)
    lyon = make_pro(lat=45.76, lng=4.83)
    response = client.post(QUEUE, {"action": "send_bonus", "_selected_action": [flagged.pk]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(near.user.email) < html.index(far.user.email)
    assert lyon.user.email not in html  # ~400 km away
    assert "other services" in html  # near offers massage only: support sees it


def test_bonus_proposals_are_sent_to_the_chosen_pros(clock, client, flagged, make_pro):
    near = make_pro(lat=48.86, lng=2.35)
    lyon = make_pro(lat=45.76, lng=4.83)
    response = client.post(
        QUEUE,
        {
            "action": "send_bonus",
            "_selected_action": [flagged.pk],
            "apply": "1",
            "pros": [near.pk],
            "others": lyon.user.email,
        },
    )
    assert response.status_code == 302
    assert "2 bonus proposals sent." in _messages(response)
    bonus = Proposal.objects.filter(request=flagged, is_bonus=True)
    assert set(bonus.values_list("pro_id", flat=True)) == {near.pk, lyon.pk}
    event = flagged.events.filter(kind="proposal_sent", actor__isnull=False).first()
    assert event.data["is_bonus"] is True


def test_bonus_needs_a_pro_and_one_request(clock, client, flagged, book, only_pro):
    response = client.post(
        QUEUE,
        {"action": "send_bonus", "_selected_action": [flagged.pk], "apply": "1", "others": ""},
    )
    assert response.status_code == 200
    assert "Choose at least one pro." in response.content.decode()
    response = client.post(
        QUEUE,
        {
            "action": "send_bonus",
            "_selected_action": [flagged.pk],
            "apply": "1",
            "others": "nobody@x.fr",
        },
    )
    assert "Unknown pro: nobody@x.fr" in response.content.decode()
    other = _flag(book(at(2, 10)), only_pro)
    response = client.post(
        QUEUE, {"action": "send_bonus", "_selected_action": [flagged.pk, other.pk]}
    )
    assert "Choose exactly one request for bonus proposals." in _messages(response)
    assert not Proposal.objects.filter(is_bonus=True).exists()


def test_cancel_requests_with_a_reason(clock, client, flagged):
    response = client.post(QUEUE, {"action": "cancel_requests", "_selected_action": [flagged.pk]})
    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    response = client.post(
        QUEUE,
        {
            "action": "cancel_requests",
            "_selected_action": [flagged.pk],
            "apply": "1",
            "reason": "Customer called: not needed any more",
        },
    )
    assert response.status_code == 302
    assert "1 request cancelled." in _messages(response)
    flagged.refresh_from_db()
    assert flagged.status == "cancelled"
    assert flagged.cancel_reason == "Customer called: not needed any more"
    assert flagged.events.filter(kind="request_cancelled", actor__isnull=False).exists()


def test_cancel_requires_a_reason(clock, client, flagged):
    response = client.post(
        QUEUE,
        {"action": "cancel_requests", "_selected_action": [flagged.pk], "apply": "1", "reason": ""},
    )
    assert response.status_code == 200
    flagged.refresh_from_db()
    assert flagged.status == "dispatching"


def test_redispatch(clock, client, flagged, make_pro, dispatch_wakeups):
    newcomer = make_pro()
    response = client.post(QUEUE, {"action": "redispatch", "_selected_action": [flagged.pk]})
    assert "1 request sent to dispatch again." in _messages(response)
    flagged.refresh_from_db()
    assert flagged.flagged_at is None
    tasks.dispatch_request(flagged.pk)
    assert flagged.proposals.filter(pro=newcomer, status="sent").exists()


def test_action_on_a_closed_request_reports_the_refusal(clock, client, flagged):
    services.booking_request_cancel(request=flagged, by=None, reason="x")
    response = client.post(
        "/admin/bookings/bookingrequest/",
        {"action": "redispatch", "_selected_action": [flagged.pk]},
    )
    assert any(message.startswith(f"#{flagged.pk}: ") for message in _messages(response))


def test_cancel_a_booking_with_a_reason(clock, client, only_pro, customer, address, service):
    booking = booking_row(
        pro=only_pro, customer=customer, address=address, service=service, start=at(2, 10)
    )
    response = client.post(
        "/admin/bookings/booking/",
        {
            "action": "cancel_bookings",
            "_selected_action": [booking.pk],
            "apply": "1",
            "reason": "Pro ill (force majeure)",
        },
    )
    assert "1 booking cancelled." in _messages(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert BookingRequest.objects.get(pk=booking.request_id).cancel_reason == (
        "Pro ill (force majeure)"
    )
    assert only_pro.user.notifications.filter(kind="booking_cancelled").exists()


def test_lists_search_and_filters(clock, client, flagged, only_pro, customer, address, service):
    booking = booking_row(
        pro=only_pro, customer=customer, address=address, service=service, start=at(2, 10)
    )
    pages = {
        "/admin/bookings/bookingrequest/": ["?status=dispatching", "?flagged=yes", "?q=abc"],
        "/admin/bookings/booking/": ["?status=confirmed", f"?q={only_pro.user.email}", "?q=12x"],
        "/admin/bookings/proposal/": ["?status=refused", f"?q={flagged.pk}"],
        "/admin/bookings/counteroffer/": ["?status=open"],
        "/admin/bookings/bookingevent/": ["?kind=request_flagged", f"?q={flagged.pk}"],
        "/admin/bookings/favorite/": [""],
        QUEUE: ["?q=abc", ""],
    }
    for url, queries in pages.items():
        for query in queries:
            assert client.get(url + query).status_code == 200, url + query
    html = client.get(f"/admin/bookings/booking/?q={only_pro.user.email}").content.decode()
    assert f"/admin/bookings/booking/{booking.pk}/change/" in html
    html = client.get("/admin/bookings/bookingrequest/?flagged=yes").content.decode()
    assert f"/admin/bookings/bookingrequest/{flagged.pk}/change/" in html
    assert client.get(f"/admin/bookings/booking/{booking.pk}/change/").status_code == 200


def test_admin_never_adds_or_deletes(clock, client, flagged):
    assert client.get("/admin/bookings/bookingrequest/add/").status_code == 403
    assert client.get(f"/admin/bookings/bookingrequest/{flagged.pk}/delete/").status_code == 403
    # Posting the change form writes nothing.
    client.post(f"/admin/bookings/bookingrequest/{flagged.pk}/change/", {"status": "confirmed"})
    flagged.refresh_from_db()
    assert flagged.status == "dispatching"


def test_support_group_can_work_the_queue(clock, flagged, make_pro):
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(agent)
    assert client.get(QUEUE).status_code == 200
    near = make_pro(lat=48.86, lng=2.35)
    response = client.post(
        QUEUE,
        {"action": "send_bonus", "_selected_action": [flagged.pk], "apply": "1", "pros": [near.pk]},
    )
    assert response.status_code == 302
    assert Proposal.objects.filter(request=flagged, pro=near, is_bonus=True).exists()


def test_staff_without_permission_cannot_act(clock, flagged):
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(QUEUE).status_code == 403
    client.post(QUEUE, {"action": "redispatch", "_selected_action": [flagged.pk]})
    flagged.refresh_from_db()
    assert flagged.flagged_at is not None
