"""The score formula (pros.scoring, one SQL statement): neutral start, each component, the
rolling window, refusals and bonus proposals that never weigh, idempotent hooks, the zone
cells following the score."""

from datetime import datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import TestCase

from catalog.models import Service
from core.clock import PARIS
from pros import scoring
from pros.models import Pro, ScoreEvent, ZoneCell
from pros.scoring.nightly import score_recompute_all
from pros.tasks import recompute_scores
from tests.factories import ProFactory, dispatchable_pro

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
_ids = iter(range(1, 10**6))


def committed():
    """Run what the block leaves for the commit (the test's transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def proposal(pro, *, took=timedelta(minutes=2), given=timedelta(minutes=30), bonus=False):
    """A bookings Proposal as the hooks see it (answered `took` after being sent)."""
    sent = NOW - timedelta(days=1)
    return SimpleNamespace(
        pk=next(_ids),
        pro_id=pro.pk,
        is_bonus=bonus,
        sent_at=sent,
        answered_at=sent + took,
        expires_at=sent + given,
    )


def score_of(pro, now=NOW) -> int:
    scoring.score_recompute(pro_ids=[pro.pk], now=now)
    pro.refresh_from_db()
    return pro.score


def answer(pro, n, **kwargs):
    for _i in range(n):
        scoring.score_proposal_answered(proposal=proposal(pro, **kwargs))


def expire(pro, n):
    with committed():  # expiries are written once the engine's step commits
        scoring.score_proposals_expired(
            proposals=[proposal(pro) for _i in range(n)], at=NOW - timedelta(days=1)
        )


def honour(pro, n, at=NOW - timedelta(days=2)):
    for _i in range(n):
        scoring.score_session_honoured(pro_id=pro.pk, booking_id=next(_ids), at=at, outcome="done")


def test_a_new_pro_is_neutral_until_enough_events(settings):
    pro = ProFactory(bare_active=True)
    assert score_of(pro) == settings.PRO_DEFAULT_SCORE == 50
    answer(pro, settings.SCORE_MIN_EVENTS - 1, took=timedelta(seconds=5))
    assert score_of(pro) == 50
    answer(pro, 1, took=timedelta(seconds=5))
    assert score_of(pro) > 50


def test_answering_fast_and_honouring_beats_letting_proposals_expire():
    good, lax = ProFactory(bare_active=True), ProFactory(bare_active=True)
    answer(good, 6, took=timedelta(minutes=1))
    honour(good, 3)
    expire(lax, 6)
    honour(lax, 3)
    assert score_of(good) > 50 > score_of(lax)


def test_refusals_are_recorded_but_never_weigh():
    steady = ProFactory(bare_active=True)
    answer(steady, 6, took=timedelta(minutes=3))
    before = score_of(steady)
    for _i in range(20):
        scoring.score_proposal_answered(proposal=proposal(steady), refused=True)
    assert score_of(steady) == before
    assert ScoreEvent.objects.filter(pro=steady, kind="refused", weighs=False).count() == 20

    only_refuses = ProFactory(bare_active=True)
    for _i in range(30):
        scoring.score_proposal_answered(proposal=proposal(only_refuses), refused=True)
    assert score_of(only_refuses) == 50


def test_bonus_proposals_are_not_recorded():
    pro = ProFactory(bare_active=True)
    scoring.score_proposal_answered(proposal=proposal(pro, bonus=True))
    with committed():
        scoring.score_proposals_expired(proposals=[proposal(pro, bonus=True)], at=NOW)
    assert not ScoreEvent.objects.filter(pro=pro).exists()


def test_a_fast_answer_earns_more_than_one_at_the_last_moment():
    fast, slow = ProFactory(bare_active=True), ProFactory(bare_active=True)
    answer(fast, 8, took=timedelta(seconds=30))
    answer(slow, 8, took=timedelta(minutes=29))
    assert score_of(fast) > score_of(slow) >= 50


def test_late_cancellations_lower_reliability():
    steady, canceller = ProFactory(bare_active=True), ProFactory(bare_active=True)
    for pro in (steady, canceller):
        answer(pro, 3)
        honour(pro, 3)
    for _i in range(2):
        scoring.score_late_cancellation(
            pro_id=canceller.pk, booking_id=next(_ids), at=NOW - timedelta(days=3)
        )
    assert score_of(steady) > score_of(canceller)


def test_one_review_does_not_swing_a_new_pro_and_hidden_ones_count_for_nothing():
    one, many = ProFactory(bare_active=True), ProFactory(bare_active=True)
    for pro in (one, many):
        answer(pro, 5)
    base = score_of(one)
    scoring.score_rating_received(pro_id=one.pk, review_id=next(_ids), stars=1, at=NOW)
    assert base - 5 <= score_of(one) < base  # prior of 5 reviews at 4.5 stars
    reviews = [next(_ids) for _i in range(10)]
    for review_id in reviews:
        scoring.score_rating_received(pro_id=many.pk, review_id=review_id, stars=1, at=NOW)
    assert score_of(many) < score_of(one)
    for review_id in reviews:
        scoring.score_rating_hidden(pro_id=many.pk, review_id=review_id)
    assert score_of(many) == base


def test_loyalty_only_adds_and_a_favourite_removed_stops_counting():
    pro = ProFactory(bare_active=True)
    answer(pro, 5)
    base = score_of(pro)
    scoring.score_rebooked(pro_id=pro.pk, booking_id=next(_ids), customer_id=1, at=NOW)
    scoring.score_favourite_set(pro_id=pro.pk, customer_id=1, favourite=True, at=NOW)
    loyal = score_of(pro)
    assert loyal > base
    scoring.score_favourite_set(pro_id=pro.pk, customer_id=1, favourite=False, at=NOW)
    assert base < score_of(pro) < loyal
    scoring.score_favourite_set(pro_id=pro.pk, customer_id=1, favourite=True, at=NOW)
    assert score_of(pro) == loyal
    assert ScoreEvent.objects.filter(pro=pro, kind="favourite").count() == 1


def test_events_leave_the_window_after_90_days():
    pro = ProFactory(bare_active=True)
    answer(pro, 8, took=timedelta(seconds=10))
    assert score_of(pro) > 50
    assert score_of(pro, now=NOW + timedelta(days=89)) > 50
    assert score_of(pro, now=NOW + timedelta(days=91)) == 50


def test_a_repeated_hook_records_nothing_new():
    pro = ProFactory(bare_active=True)
    same = proposal(pro)
    scoring.score_proposal_answered(proposal=same)
    scoring.score_proposal_answered(proposal=same)
    scoring.score_session_honoured(pro_id=pro.pk, booking_id=7, at=NOW, outcome="done")
    scoring.score_session_honoured(pro_id=pro.pk, booking_id=7, at=NOW, outcome="done")
    assert ScoreEvent.objects.filter(pro=pro).count() == 2


def test_the_score_is_recomputed_on_commit_in_one_statement(
    django_capture_on_commit_callbacks, django_assert_num_queries, time_machine
):
    time_machine.move_to(NOW, tick=False)
    pro = ProFactory(bare_active=True)
    answer(pro, 5, took=timedelta(seconds=10))
    with django_capture_on_commit_callbacks() as callbacks:
        scoring.score_proposal_answered(proposal=proposal(pro, took=timedelta(seconds=10)))
    pro.refresh_from_db()
    assert pro.score == 50  # not inside the event's transaction
    with django_assert_num_queries(1):
        for callback in callbacks:
            callback()
    pro.refresh_from_db()
    assert pro.score > 50


def test_zone_cells_carry_the_new_score_at_once():
    pro = dispatchable_pro(radius_km=5, services=Service.objects.filter(slug="menage-2h"))
    assert ZoneCell.objects.filter(pro=pro).count() > 10
    answer(pro, 6, took=timedelta(seconds=5))
    result = scoring.score_recompute(pro_ids=[pro.pk], now=NOW)
    pro.refresh_from_db()
    assert result.changed == 1 and result.cells == ZoneCell.objects.filter(pro=pro).count()
    assert set(ZoneCell.objects.filter(pro=pro).values_list("score", flat=True)) == {pro.score}
    # Nothing changed: nothing written.
    assert scoring.score_recompute(pro_ids=[pro.pk], now=NOW).changed == 0


def test_every_pro_at_once_matches_one_by_one():
    pros = [ProFactory(bare_active=True) for _i in range(5)]
    for index, pro in enumerate(pros):
        answer(pro, index * 2, took=timedelta(minutes=index * 5))
        expire(pro, 4 - index)
    Pro.objects.filter(pk__in=[p.pk for p in pros]).update(score=0)
    dry = score_recompute_all(now=NOW, chunk=2, dry_run=True)
    assert dry.changed == 5 and Pro.objects.filter(score=0).count() == 5
    result = score_recompute_all(now=NOW, chunk=2)
    assert result.pros == Pro.objects.count() and result.changed == 5
    expected = {}
    for pro in pros:
        expected[pro.pk] = score_of(pro)
    assert dict(Pro.objects.filter(pk__in=expected).values_list("pk", "score")) == expected


def test_the_nightly_beat_task_and_the_command(settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    entry = settings.CELERY_BEAT_SCHEDULE["pros-recompute-scores"]
    assert entry["task"] == recompute_scores.name and entry["options"]["expires"]
    pro = ProFactory(bare_active=True)
    answer(pro, 6, took=timedelta(seconds=5))
    out = StringIO()
    call_command("recompute_scores", "--dry-run", stdout=out)
    assert "1 would change (1 up, 0 down)" in out.getvalue()
    pro.refresh_from_db()
    assert pro.score == 50
    assert recompute_scores() == {"pros": Pro.objects.count(), "changed": 1, "skipped": False}
    pro.refresh_from_db()
    assert pro.score > 50
    out = StringIO()
    call_command("recompute_scores", stdout=out)
    assert "0 changed" in out.getvalue()
