"""The score drives dispatch (the done-when of the score issue), through the real engine and
the real candidate query, every transition committed as in production (so each score is
recomputed on commit): a pro who answers fast and honours sessions climbs above one who lets
proposals expire and then gets proposals first; a pro who refuses everything but answers keeps
their score."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.test import TestCase

from bookings import services as booking_services
from bookings import tasks
from bookings.dispatch.candidates import candidates_for
from bookings.models import Proposal
from catalog.models import Service
from checkin import services as checkin_services
from core.clock import PARIS
from pros import scoring
from pros.models import Pro
from tests.factories import booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)  # a Monday


def at(days, hour, minute=0):
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), tzinfo=PARIS)


def committed():
    """What the block leaves for the commit runs at its end, as after a real commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


def request_for(cleaning, start, *, dispatch=True):
    """A new customer's request, dispatched (the wake-up of its creation)."""
    customer, address = booking_customer()
    with committed():
        request = booking_services.booking_request_create(
            customer=customer, address=address, service=cleaning, start=start
        )
        if dispatch:
            tasks.dispatch_request(request.pk)
    return request


def holder(request) -> int:
    return request.proposals.get(status=Proposal.Status.SENT).pro_id


def scores(*pros):
    return [Pro.objects.get(pk=pro.pk).score for pro in pros]


def test_answering_fast_and_honouring_climbs_above_letting_expire_and_gets_proposals_first(
    clock, cleaning
):
    # Equal standing: same base, same services and hours, the neutral score; `lax` has the
    # lower id, so the last tie-break (after the 7-day proposal count) asks them first.
    lax = dispatchable_pro(services=[cleaning])
    fast = dispatchable_pro(services=[cleaning])
    assert lax.pk < fast.pk and scores(lax, fast) == [50, 50]
    bookings, first_asked = [], []
    for day in range(3, 10):  # one request a day, 3+ days ahead: one pro, 60 minutes each
        request = request_for(cleaning, at(day, 10))
        first_asked.append(holder(request))
        if holder(request) == lax.pk:  # lax lets it expire; the engine hands it on
            clock.shift(timedelta(minutes=61))
            with committed():
                tasks.dispatch_request(request.pk)
        assert holder(request) == fast.pk
        clock.shift(timedelta(minutes=2))
        with committed():
            proposal = request.proposals.get(pro=fast, status=Proposal.Status.SENT)
            bookings.append(booking_services.proposal_accept(proposal=proposal, pro=fast))
        clock.shift(timedelta(minutes=30))

    # While both were neutral (fewer than 5 events), the tie-break asked lax first; once
    # the scores parted, fast was asked first.
    assert first_asked[:5] == [lax.pk] * 5
    assert first_asked[5:] == [fast.pk, fast.pk]
    fast_score, lax_score = scores(fast, lax)
    assert fast_score > 50 > lax_score

    for booking in bookings:  # fast honours every session
        clock.move_to(booking.end + timedelta(minutes=5))
        with committed():
            checkin_services.declaration_make(booking=booking, pro=fast, kind="done")
    assert scores(fast)[0] > fast_score

    request = request_for(cleaning, at(12, 10), dispatch=False)
    assert [c.pro_id for c in candidates_for(request, limit=2)] == [fast.pk, lax.pk]
    tasks.dispatch_request(request.pk)
    assert holder(request) == fast.pk


def test_a_pro_who_refuses_everything_but_answers_keeps_their_score(clock, cleaning):
    refuser = dispatchable_pro(services=[cleaning])
    other = dispatchable_pro(services=[cleaning])
    # A history: 6 quick answers and 2 sessions honoured, 40 days ago.
    past = NOW - timedelta(days=40)
    for index in range(6):
        answered = SimpleNamespace(
            pk=10_000 + index,
            pro_id=refuser.pk,
            is_bonus=False,
            sent_at=past,
            answered_at=past + timedelta(minutes=3),
            expires_at=past + timedelta(minutes=60),
        )
        scoring.score_proposal_answered(proposal=answered)
    for booking_id in (1, 2):
        scoring.score_session_honoured(
            pro_id=refuser.pk, booking_id=booking_id, at=past, outcome="done"
        )
    scoring.score_recompute(pro_ids=[refuser.pk, other.pk])
    [before] = scores(refuser)
    assert before > 50

    for day in range(3, 13):  # ten requests: refused at once each time
        request = request_for(cleaning, at(day, 10))
        assert holder(request) == refuser.pk  # the higher score is asked first
        clock.shift(timedelta(minutes=1))
        with committed():
            booking_services.proposal_refuse(
                proposal=request.proposals.get(pro=refuser), pro=refuser
            )
            tasks.dispatch_request(request.pk)
        assert holder(request) == other.pk
        clock.shift(timedelta(hours=1))

    assert refuser.score_events.filter(kind="refused").count() == 10
    assert scores(refuser) == [before]
    scoring.score_recompute(pro_ids=[refuser.pk])  # and recomputed from scratch
    assert scores(refuser) == [before]
