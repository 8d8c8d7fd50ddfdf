"""Support tools: bonus proposals, re-dispatch, the flagged queue and the timeline."""

from datetime import timedelta

import pytest

from bookings import selectors, services, tasks
from bookings.models import Proposal
from catalog.models import Service
from tests.bookings.helpers import NOW, at, sent_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(clock, book, make_pro):
    only = make_pro()
    request = book(at(3, 10))
    services.proposal_refuse(proposal=request.proposals.get(), pro=only)
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert request.flagged_at is not None
    return request


@pytest.fixture
def agent(db):
    return UserFactory(is_staff=True)


def test_flagged_queue_is_sorted_by_start(clock, flagged, book, make_pro):
    sooner = book(at(1, 10))  # the only pro refused the other one; this one has nobody either
    sooner_pro = sooner.proposals.get().pro
    services.proposal_refuse(proposal=sooner.proposals.get(), pro=sooner_pro)
    tasks.dispatch_request(sooner.pk)
    assert list(selectors.flagged_requests()) == [sooner, flagged]


def test_bonus_proposal_to_a_pro_outside_their_settings(clock, flagged, make_pro, agent):
    # Lyon, another service, no working hours on Thursdays: not a candidate at all.
    outsider = make_pro(
        lat=45.764,
        lng=4.8357,
        services=[Service.objects.get(slug="massage-sportif")],
        hours=[(0, 8, 9)],
    )
    assert selectors.candidates_for(flagged, limit=5) == []

    created = services.booking_request_send_bonus(request=flagged, pros=[outsider], by=agent)
    assert [p.is_bonus for p in created] == [True]
    assert created[0].expires_at == NOW + timedelta(minutes=60)
    assert outsider.user.notifications.filter(kind="proposal_new").exists()
    event = flagged.events.filter(kind="proposal_sent", actor=agent).get()
    assert event.data["is_bonus"] is True

    booking = services.proposal_accept(proposal=created[0], pro=outsider)
    assert booking.pro == outsider
    flagged.refresh_from_db()
    assert flagged.status == "confirmed" and flagged.flagged_at is None


def test_bonus_proposals_do_not_count_for_fairness_nor_take_a_wave_place(
    clock, book, make_pro, agent
):
    first, second = make_pro(score=90), make_pro(score=80)
    outsider = make_pro(lat=45.764, lng=4.8357)
    request = book(at(3, 10))
    services.booking_request_send_bonus(
        request=request, pros=[outsider, first], by=agent
    )  # first already asked
    assert sent_to(request) == [first.pk, outsider.pk]
    services.proposal_refuse(proposal=request.proposals.get(pro=first), pro=first)
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert set(sent_to(request)) == {outsider.pk, second.pk}  # the bonus one did not hold the place
    later = selectors.candidates_for(request, limit=1)
    assert later == []
    assert Proposal.objects.filter(pro=outsider, is_bonus=True).count() == 1


def test_redispatch_finds_a_pro_who_became_free(clock, flagged, make_pro, agent):
    newcomer = make_pro()
    services.booking_request_redispatch(request=flagged, by=agent)
    flagged.refresh_from_db()
    assert flagged.flagged_at is None and flagged.next_dispatch_at == NOW
    tasks.dispatch_request(flagged.pk)
    flagged.refresh_from_db()
    assert sent_to(flagged) == [newcomer.pk]


def test_support_cancels_a_request(clock, flagged, agent, customer):
    services.booking_request_cancel(request=flagged, by=agent, reason="duplicate")
    flagged.refresh_from_db()
    assert flagged.status == "cancelled" and flagged.cancel_reason == "duplicate"
    assert flagged not in selectors.flagged_requests()


def test_the_timeline_replays_the_requests_life(clock, flagged):
    lines = [(e.kind, e.data.get("pro")) for e in selectors.timeline_for(flagged)]
    pro_id = flagged.proposals.get().pro_id
    assert lines == [
        ("request_created", None),
        ("proposal_sent", pro_id),
        ("proposal_refused", pro_id),
        ("request_flagged", None),
    ]


def test_dispatch_sweep_command(clock, book, make_pro, capsys):
    from django.core.management import call_command

    _first, second = make_pro(score=90), make_pro(score=80)
    request = book(at(3, 10))
    clock.shift(timedelta(hours=1))
    call_command("dispatch_sweep")
    assert "1 request(s) processed" in capsys.readouterr().out
    assert sent_to(request) == [second.pk]
