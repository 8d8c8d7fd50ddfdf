"""Expiries recorded during a sweep pass: their events are written as each batch commits, the
pros' scores recomputed once when the pass ends (each pro once, queued as their own tasks), not
once per batch."""

from datetime import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase

from catalog.models import Service
from core.clock import PARIS
from pros import tasks
from pros.models import ScoreEvent
from pros.scoring import record
from tests.factories import dispatchable_pro

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
# The real publisher (tests/conftest.py replaces it by the in-process recompute).
REAL_PUBLISH = record.publish_recomputes


def _expire_in_a_batch(proposals):
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        record.score_proposals_expired(proposals=proposals, at=NOW)


def _proposal(pk, pro, is_bonus=False):
    return SimpleNamespace(pk=pk, pro_id=pro.pk, is_bonus=is_bonus)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _pro():
    return dispatchable_pro(services=[Service.objects.get(slug="menage-2h")])


@pytest.fixture
def recomputes(monkeypatch):
    calls = []
    monkeypatch.setattr(record, "score_recompute", lambda *, pro_ids: calls.append(list(pro_ids)))
    monkeypatch.setattr(
        record, "score_recompute_on_commit", lambda pro_ids: calls.append(sorted(set(pro_ids)))
    )
    return calls


def test_a_pass_recomputes_each_expired_pro_once_at_its_end(recomputes):
    first, second = _pro(), _pro()
    with record.expiries_recomputed_together():
        _expire_in_a_batch([_proposal(1, first), _proposal(2, second)])
        _expire_in_a_batch([_proposal(3, first), _proposal(4, first, is_bonus=True)])
        assert recomputes == []  # not per batch
        assert ScoreEvent.objects.filter(kind="expired").count() == 3  # written per batch
    assert recomputes == [sorted([first.pk, second.pk])]


def test_without_the_block_each_batch_recomputes_its_pros(recomputes):
    pro = _pro()
    _expire_in_a_batch([_proposal(1, pro)])
    _expire_in_a_batch([_proposal(2, pro)])
    assert recomputes == [[pro.pk], [pro.pk]]


def test_a_rolled_back_batch_records_and_recomputes_nothing(recomputes):
    pro = _pro()
    with record.expiries_recomputed_together():
        with pytest.raises(RuntimeError), transaction.atomic():
            record.score_proposals_expired(proposals=[_proposal(1, pro)], at=NOW)
            raise RuntimeError
    assert recomputes == [] and not ScoreEvent.objects.exists()


def test_the_pass_queues_its_recomputes_as_tasks_in_chunks(monkeypatch):
    queued, computed = [], []
    monkeypatch.setattr(record, "publish_recomputes", REAL_PUBLISH)
    monkeypatch.setattr(record, "RECOMPUTE_CHUNK", 2)
    monkeypatch.setattr(tasks.recompute_scores_of, "delay", lambda ids: queued.append(ids))
    monkeypatch.setattr(record, "score_recompute", lambda *, pro_ids: computed.append(pro_ids))
    pros = [_pro() for _ in range(3)]
    with record.expiries_recomputed_together():
        _expire_in_a_batch([_proposal(i, pro) for i, pro in enumerate(pros)])
    ids = sorted(pro.pk for pro in pros)
    assert queued == [ids[:2], ids[2:]] and computed == []


def test_with_the_broker_down_the_recompute_runs_at_once(monkeypatch):
    computed = []

    def broker_down(ids):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.recompute_scores_of, "delay", broker_down)
    monkeypatch.setattr(record, "score_recompute", lambda *, pro_ids: computed.append(pro_ids))
    REAL_PUBLISH([7, 8])
    assert computed == [[7, 8]]


def test_the_task_stores_the_pros_new_scores():
    pros = [_pro() for _ in range(2)]
    ScoreEvent.objects.bulk_create(
        ScoreEvent(pro=pro, kind=ScoreEvent.Kind.EXPIRED, at=NOW, ref=f"proposal:{i}")
        for pro in pros
        for i in range(10)
    )
    result = tasks.recompute_scores_of([pro.pk for pro in pros])
    assert result == {"pros": 2, "changed": 2}
    for pro in pros:
        pro.refresh_from_db()
        assert pro.score < 50  # ten expiries, no answer
