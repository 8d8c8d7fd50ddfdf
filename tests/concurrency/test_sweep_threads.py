"""Real threads on real PostgreSQL: a sweep pass claims batches from several threads
(DISPATCH_SWEEP_THREADS), each with its own connection; SKIP LOCKED claims mean every due
request is stepped exactly once, and the pass's expired pros are recomputed once at its end."""

import threading
from datetime import timedelta

import pytest

from bookings.dispatch import engine
from bookings.models import BookingEvent, BookingRequest, Proposal
from catalog.models import Service
from core import clock
from pros.scoring import record
from tests.factories import booking_customer, booking_request_row, dispatchable_pro

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REQUESTS = 24


def test_two_threads_step_every_due_request_exactly_once(settings, monkeypatch):
    settings.DISPATCH_SWEEP_THREADS = 2
    settings.DISPATCH_SWEEP_BATCH = 4
    service = Service.objects.get(slug="menage-2h")
    first = dispatchable_pro(services=[service], score=90)
    dispatchable_pro(services=[service], score=80)
    now = clock.now()
    start = (now + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    requests = []
    for index in range(REQUESTS):
        customer, address = booking_customer()
        request = booking_request_row(
            customer=customer, address=address, service=service, start=start + timedelta(days=index)
        )
        Proposal.objects.create(
            request=request,
            pro=first,
            sent_at=now - timedelta(hours=1),
            expires_at=now - timedelta(minutes=1),  # nobody answered in time
        )
        requests.append(request.pk)
    BookingRequest.objects.filter(pk__in=requests).update(next_dispatch_at=now)

    # Each thread's first batch waits for the other's: both threads do work.
    both_started = threading.Barrier(2, timeout=30)
    seen = set()
    real_batch = engine._sweep_batch

    def batch(claim, **kwargs):
        name = threading.current_thread().name
        if name not in seen and name.startswith("sweep"):  # not the pass's own last claim
            seen.add(name)
            both_started.wait()
        return real_batch(claim, **kwargs)

    monkeypatch.setattr(engine, "_sweep_batch", batch)
    recomputed = []
    monkeypatch.setattr(record, "publish_recomputes", recomputed.append)

    assert engine.sweep_pass() == (REQUESTS, True)

    assert len(seen) == 2
    events = BookingEvent.objects.filter(request_id__in=requests)
    assert events.filter(kind="proposal_expired").count() == REQUESTS  # once each
    assert events.filter(kind="proposal_sent").count() == REQUESTS
    assert Proposal.objects.filter(request_id__in=requests, status="sent").count() == REQUESTS
    assert not BookingRequest.objects.filter(pk__in=requests, next_dispatch_at__lte=now).exists()
    assert recomputed == [[first.pk]]  # once, after the pass, from the pass's thread
