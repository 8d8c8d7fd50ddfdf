"""Pro dashboard: open proposals (polled by htmx), answering them from their card."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings import services, tasks
from bookings.models import Booking, CounterOffer, Proposal
from core.money import format_eur
from tests.bookings.helpers import NOW, at
from tests.factories import ProFactory, UserFactory, booking_row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user, language="en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.fixture
def pro(make_pro):
    return make_pro()


@pytest.fixture
def proposal(clock, book, pro):
    request = book(at(3, 10), notes="Digicode 1234B, 3rd floor. Cat at home.")
    return request.proposals.get(pro=pro)


def test_anonymous_goes_to_login_and_a_non_pro_to_sign_up(db):
    response = Client().get("/pro/")
    assert response.status_code == 302 and response.url.startswith("/pro/login?next=/pro/")
    response = client_for(UserFactory()).get("/pro/")
    assert response.status_code == 302 and response.url == "/pro/signup"


def test_dashboard_shows_the_open_proposal_card(proposal, pro, address):
    html = client_for(pro.user).get("/pro/").content.decode()
    request = proposal.request
    assert f'id="proposal-{proposal.pk}-open"' in html
    assert request.service.name_en in html
    assert "Thursday 5 March · 10:00" in html  # Paris wall-clock
    assert "2 h" in html
    assert "75001 Paris" in html
    assert address.street not in html  # neighbourhood only before accepting
    assert format_eur(request.pro_net_cents, "en") in html
    assert "Digicode 1234B" in html
    expires = re.search(r'data-expires="([^"]+)"', html).group(1)
    assert expires == "2026-03-02T10:00:00+01:00"  # NOW + 60 min answer time, with offset
    for label in ("Accept", "Propose another time", "Refuse"):
        assert f">{label}<" in html
    assert f"/pro/proposals/{proposal.pk}/accept" in html


def test_net_amount_in_the_active_language(proposal, pro):
    html = client_for(pro.user, "fr").get("/pro/").content.decode()
    assert format_eur(proposal.request.pro_net_cents, "fr") in html
    assert format_eur(proposal.request.pro_net_cents, "en") not in html


def test_onboarding_pro_sees_what_is_missing(db):
    pro = ProFactory()
    html = client_for(pro.user).get("/pro/").content.decode()
    assert 'id="missing-banner"' in html
    assert "Choose the services you offer" in html
    assert "/pro/settings/services" in html


def test_active_pro_has_no_missing_banner(pro):
    html = client_for(pro.user).get("/pro/").content.decode()
    assert 'id="missing-banner"' not in html
    assert "No proposal right now" in html


def test_next_confirmed_sessions_on_the_dashboard(clock, pro, customer, address, service):
    booking = booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(1, 14)
    )
    booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(-3, 14)
    )  # past: not listed
    html = client_for(pro.user).get("/pro/").content.decode()
    assert f"/pro/bookings/{booking.pk}" in html
    assert html.count('class="session-row"') == 1


def test_poll_brings_new_proposals_without_reloading(clock, pro, book):
    client = client_for(pro.user)
    assert "No proposal right now" in client.get("/pro/proposals", headers=HTMX).content.decode()
    request = book(at(3, 10))
    html = client.get("/pro/proposals", headers=HTMX).content.decode()
    assert f'id="proposal-{request.proposals.get().pk}-open"' in html
    assert 'hx-preserve="true"' in html


def test_poll_is_cheap_whatever_the_number_of_proposals(clock, pro, book):
    client = client_for(pro.user)

    def poll_queries():
        shown = list(Proposal.objects.filter(pro=pro).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/pro/proposals", {"shown": shown}, headers=HTMX)
        assert response.status_code == 200
        return len(queries)

    def book_days(days, refuse):
        for day in days:
            proposal = book(at(day, 10)).proposals.get(pro=pro)
            if day in refuse:  # a card the page still shows, answered
                services.proposal_refuse(proposal=proposal, pro=pro)

    book_days([3, 4], refuse=[3])
    poll_queries()  # the first request also records the pro's language (one UPDATE, once)
    one_each = poll_queries()
    book_days(range(5, 12), refuse=[5, 6, 7])
    assert Proposal.objects.filter(pro=pro, status="sent").count() == 5
    assert poll_queries() == one_each
    assert one_each <= 5  # session, user, pro, open proposals, shown cards


def test_withdrawn_proposal_turns_into_no_longer_available(clock, pro, make_pro, book):
    other = make_pro()
    request = book(at(0, 15))  # < 6 h ahead: both pros are asked at once
    mine = request.proposals.get(pro=pro)
    services.proposal_accept(proposal=request.proposals.get(pro=other), pro=other)
    html = (
        client_for(pro.user)
        .get("/pro/proposals", {"shown": [mine.pk]}, headers=HTMX)
        .content.decode()
    )
    assert f'id="proposal-{mine.pk}-gone"' in html
    assert "No longer available" in html
    assert f'id="proposal-{mine.pk}-open"' not in html


def test_expired_proposal_is_no_longer_available(clock, pro, proposal):
    clock.shift(timedelta(minutes=61))
    html = (
        client_for(pro.user)
        .get("/pro/proposals", {"shown": [proposal.pk]}, headers=HTMX)
        .content.decode()
    )
    assert f'id="proposal-{proposal.pk}-gone"' in html


def test_poll_ignores_ids_of_other_pros_proposals(clock, pro, make_pro, proposal):
    stranger = make_pro()
    html = (
        client_for(stranger.user)
        .get("/pro/proposals", {"shown": [proposal.pk, "x"]}, headers=HTMX)
        .content.decode()
    )
    assert f"proposal-{proposal.pk}" not in html


def test_poll_with_an_expired_session_stops_and_goes_to_login(db):
    response = Client().get("/pro/proposals", headers=HTMX)
    assert response.status_code == 286
    assert response["HX-Redirect"] == "/pro/login"


def test_accept_swaps_the_card_and_books(clock, pro, proposal):
    response = client_for(pro.user).post(f"/pro/proposals/{proposal.pk}/accept", headers=HTMX)
    assert response.status_code == 200
    booking = Booking.objects.get(pro=pro)
    html = response.content.decode()
    assert f'id="proposal-{proposal.pk}-accepted"' in html
    assert f"/pro/bookings/{booking.pk}" in html


def test_accept_without_javascript_redirects_to_the_booking(clock, pro, proposal):
    response = client_for(pro.user).post(f"/pro/proposals/{proposal.pk}/accept")
    booking = Booking.objects.get(pro=pro)
    assert response.status_code == 302 and response.url == f"/pro/bookings/{booking.pk}"


def test_accept_a_taken_proposal_shows_no_longer_available(clock, pro, make_pro, book):
    other = make_pro()
    request = book(at(0, 15))
    mine = request.proposals.get(pro=pro)
    services.proposal_accept(proposal=request.proposals.get(pro=other), pro=other)
    response = client_for(pro.user).post(f"/pro/proposals/{mine.pk}/accept", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="proposal-{mine.pk}-gone"' in html
    assert "This proposal is no longer available." in html
    assert not Booking.objects.filter(pro=pro).exists()


def test_accept_overlapping_the_agenda_shows_the_message_and_closes_the_card(
    clock, pro, proposal, customer, address, service
):
    # Booked meanwhile elsewhere (e.g. a session set up by support) at the same time.
    booking_row(pro=pro, customer=customer, address=address, service=service, start=at(3, 10))
    response = client_for(pro.user).post(f"/pro/proposals/{proposal.pk}/accept", headers=HTMX)
    html = response.content.decode()
    assert f'id="proposal-{proposal.pk}-open"' not in html
    assert "overlaps another one in the agenda" in html
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


def test_someone_elses_proposal_is_not_found(clock, proposal, make_pro):
    stranger = make_pro()
    client = client_for(stranger.user)
    for action in ("accept", "refuse", "counter"):
        assert client.post(f"/pro/proposals/{proposal.pk}/{action}").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "sent"


def test_answers_need_post(clock, pro, proposal):
    assert client_for(pro.user).get(f"/pro/proposals/{proposal.pk}/accept").status_code == 405


def test_refuse_swaps_the_card_and_frees_the_place(
    clock, pro, proposal, dispatch_wakeups, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pro.user).post(f"/pro/proposals/{proposal.pk}/refuse", headers=HTMX)
    assert f'id="proposal-{proposal.pk}-refused"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "refused"
    assert (proposal.request_id, 0) in dispatch_wakeups


def test_counter_reads_paris_wall_clock_time(clock, pro, proposal):
    response = client_for(pro.user).post(
        f"/pro/proposals/{proposal.pk}/counter", {"start": "2026-03-05T14:30"}, headers=HTMX
    )
    assert response.status_code == 200
    counter = CounterOffer.objects.get(proposal=proposal)
    assert counter.start == at(3, 14, 30)
    html = response.content.decode()
    assert f'id="proposal-{proposal.pk}-countered"' in html
    assert "14:30" in html


def test_counter_refused_by_a_rule_shows_the_message_in_the_card(clock, pro, proposal):
    too_soon = (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(pro.user).post(
        f"/pro/proposals/{proposal.pk}/counter", {"start": too_soon}, headers=HTMX
    )
    html = response.content.decode()
    assert f'id="proposal-{proposal.pk}-open"' in html
    assert "at least 2 hours before" in html
    assert not CounterOffer.objects.exists()


def test_counter_with_a_bad_date_shows_an_error(clock, pro, proposal):
    response = client_for(pro.user).post(
        f"/pro/proposals/{proposal.pk}/counter", {"start": "tomorrow"}, headers=HTMX
    )
    assert "Choose a date and a time." in response.content.decode()
    assert not CounterOffer.objects.exists()


def test_dashboard_polls_and_loads_the_countdown_script(clock, pro):
    html = client_for(pro.user).get("/pro/").content.decode()
    assert 'hx-get="/pro/proposals"' in html
    assert "every 5s" in html
    assert "js/countdown.js" in html
    assert "css/bookings.css" in html


def test_dispatch_advance_reaches_the_dashboard(clock, pro, book):
    """A second wave after a refusal shows up on the next pro's dashboard at the next poll."""
    request = book(at(3, 10))
    services.proposal_refuse(proposal=request.proposals.get(pro=pro), pro=pro)
    tasks.dispatch_request(request.pk)  # nobody else: flagged, the card stays "refused"
    html = (
        client_for(pro.user)
        .get("/pro/proposals", {"shown": [request.proposals.get().pk]}, headers=HTMX)
        .content.decode()
    )
    assert "You refused this proposal." in html


def test_poll_by_a_non_pro_stops_and_goes_to_login(db):
    client = client_for(UserFactory())
    response = client.get("/pro/proposals", headers=HTMX)
    assert response.status_code == 286 and response["HX-Redirect"] == "/pro/login"
    response = client.get("/pro/proposals")
    assert response.status_code == 302 and response.url == "/pro/signup"
