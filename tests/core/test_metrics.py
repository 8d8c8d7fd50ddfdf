"""core.metrics: counters bumped on commit, shared through Redis, never failing the business
operation when Redis is down."""

import logging
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction

from core import metrics
from core.clock import PARIS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def store(settings):
    settings.METRICS_KEY_PREFIX = f"test:metrics:{uuid.uuid4().hex}"
    metrics._down_until = 0.0
    url = settings.METRICS_REDIS_URL
    yield
    client = metrics._client(url)
    keys = list(client.scan_iter(f"{settings.METRICS_KEY_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    metrics._down_until = 0.0


def _request(*, lead: timedelta, service_id=7, origin="customer"):
    return SimpleNamespace(service_id=service_id, start=NOW + lead, created_at=NOW, origin=origin)


@pytest.mark.parametrize(
    "lead, band",
    [
        (timedelta(hours=2), "lt6h"),
        (timedelta(hours=6) - timedelta(seconds=1), "lt6h"),
        (timedelta(hours=6), "6to24h"),
        (timedelta(hours=24), "24to48h"),
        (timedelta(hours=48), "ge48h"),
        (timedelta(days=30), "ge48h"),
    ],
)
def test_lead_bands_follow_the_wave_policy_boundaries(lead, band):
    assert metrics.lead_band(NOW + lead, NOW) == band


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bump_is_sent_on_commit_and_a_rollback_counts_nothing():
    with transaction.atomic():
        metrics.request_created(_request(lead=timedelta(hours=3)))
        assert metrics.read(NOW.date())["total"] == {}  # not before the commit
    with pytest.raises(RuntimeError), transaction.atomic():
        metrics.request_created(_request(lead=timedelta(hours=3)))
        raise RuntimeError
    today = metrics.read(metrics.clock.today())
    assert today["total"] == {"requests_created|7|lt6h": 1}
    assert today["day"] == {"requests_created|7|lt6h": 1}


@pytest.mark.django_db
def test_confirmed_requests_record_their_time_to_first_accept(django_capture_on_commit_callbacks):
    request = _request(lead=timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        metrics.request_closed(request, status="confirmed", now=NOW + timedelta(seconds=200))
        metrics.request_closed(request, status="unfulfilled", now=NOW)
        metrics.request_closed(request, status="cancelled", now=NOW)  # not a dispatch outcome
        metrics.request_closed(
            _request(lead=timedelta(hours=30), origin="pro"), status="confirmed", now=NOW
        )
    total = metrics.read(metrics.clock.today())["total"]
    bucket_300s = metrics.FIRST_ACCEPT_BUCKETS.index(300)
    assert total == {
        "requests_confirmed|7|24to48h": 1,
        "requests_unfulfilled|7|24to48h": 1,
        f"first_accept|24to48h|{bucket_300s}": 1,
        "first_accept_ms_sum|24to48h": 200_000,
        "first_accept_count|24to48h": 1,
    }


@pytest.mark.django_db
def test_proposals_and_charges(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        metrics.dispatch_step(sent=3, expired=0)
        metrics.dispatch_step(sent=1, expired=2)
        metrics.proposal_answered("accepted")
        metrics.proposal_answered("withdrawn")  # not an answer of the pro
        metrics.charge_failed()
    assert metrics.read(metrics.clock.today())["total"] == {
        "proposals_sent": 4,
        "proposals_expired": 2,
        "proposals_answered|accepted": 1,
        "charges_failed": 1,
    }


def test_online_streams_expire_by_themselves():
    metrics.stream_open(1, seconds=60)
    metrics.stream_open(2, seconds=60)
    metrics.stream_open(3, seconds=-1)  # a stream that died without closing
    metrics.stream_closed(2)
    assert metrics.read(metrics.clock.today())["online"] == 1


def test_redis_down_never_fails_the_operation_and_backs_off(settings, caplog, monkeypatch):
    settings.METRICS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    calls = []
    real_client = metrics.client
    monkeypatch.setattr(metrics, "client", lambda: calls.append(1) or real_client())
    with caplog.at_level(logging.WARNING, logger="core.metrics"):
        metrics._send({"proposals_sent": 1})  # what on_commit runs
        metrics._send({"proposals_sent": 1})  # backing off: not even tried
        metrics.stream_open(1, seconds=10)
    assert len(calls) == 1
    assert "metrics not recorded" in caplog.text
