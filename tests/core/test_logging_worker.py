"""A real Celery worker (in this process, solo pool, own Redis queue): the request id of the
POST reaches the worker's log lines through the message header, with the booking request id."""

import logging
import os
import time
from datetime import timedelta

import pytest

from bookings.models import Proposal
from catalog.models import Service
from core import clock
from core.logging import RequestContextFilter
from tests.celery_worker import running_worker
from tests.factories import booking_customer, dispatchable_pro

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
QUEUE = os.environ.get("TEST_CELERY_QUEUE", "test-h6-logs")


@pytest.fixture
def worker(settings):
    with running_worker(settings, broker=BROKER, queue=QUEUE):
        yield


def test_the_posts_request_id_is_on_the_workers_dispatch_lines(worker, api_client, caplog):
    context_filter = RequestContextFilter()
    caplog.handler.addFilter(context_filter)
    caplog.set_level(logging.INFO)
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    start = clock.to_paris(clock.now() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    api_client.force_authenticate(customer.user)
    response = api_client.post(
        "/api/v1/booking-requests",
        {"service": service.pk, "address": address.pk, "start": start.isoformat()},
        format="json",
        HTTP_X_REQUEST_ID="req-worker-1",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]

    deadline = time.monotonic() + 45  # generous: CI shares 2 cores
    while not Proposal.objects.filter(request_id=request_id, pro=pro).exists():
        assert time.monotonic() < deadline, "the worker did not dispatch in time"
        time.sleep(0.02)
    caplog.handler.removeFilter(context_filter)

    sent = [r for r in caplog.records if getattr(r, "event", None) == "proposal_sent"]
    assert [(r.request_id, r.booking_request_id) for r in sent] == [("req-worker-1", request_id)]
    assert sent[0].threadName != "MainThread"  # written by the worker, not the test
