"""A real Celery worker on Redis (own database and queue, no time-machine): a request goes
from creation to acceptance with nobody calling a task by hand."""

import os
import time
from datetime import timedelta

import pytest

from bookings.models import Booking, Proposal
from catalog.models import Service
from core import clock
from tests.celery_worker import running_worker
from tests.factories import booking_customer, dispatchable_pro

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
QUEUE = os.environ.get("TEST_CELERY_QUEUE", "test-h3")


@pytest.fixture
def worker(settings):
    with running_worker(settings, broker=BROKER, queue=QUEUE):
        yield


def wait_for(check, timeout=15.0):
    """Poll the database for what the worker does asynchronously (not a deadline: the
    wake-ups run at once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("the worker did not do it in time")


def test_request_goes_from_creation_to_acceptance_through_the_worker(worker, api_client):
    service = Service.objects.get(slug="menage-2h")
    first = dispatchable_pro(services=[service], score=90)
    second = dispatchable_pro(services=[service], score=80)
    customer, address = booking_customer()
    start = clock.to_paris(clock.now() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )

    api_client.force_authenticate(customer.user)
    response = api_client.post(
        "/api/v1/booking-requests",
        {"service": service.pk, "address": address.pk, "start": start.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]

    proposal = wait_for(
        lambda: Proposal.objects.filter(request_id=request_id, status="sent").first()
    )
    assert proposal.pro_id == first.pk
    api_client.force_authenticate(first.user)
    assert api_client.get("/api/v1/pro/proposals").json()["count"] == 1
    assert api_client.post(f"/api/v1/pro/proposals/{proposal.pk}/refuse").status_code == 200

    proposal = wait_for(
        lambda: Proposal.objects.filter(request_id=request_id, pro=second, status="sent").first()
    )
    api_client.force_authenticate(second.user)
    response = api_client.post(f"/api/v1/pro/proposals/{proposal.pk}/accept")
    assert response.status_code == 200, response.content
    assert Booking.objects.get(pk=response.json()["booking"]).pro_id == second.pk

    api_client.force_authenticate(customer.user)
    detail = api_client.get(f"/api/v1/booking-requests/{request_id}").json()
    assert detail["status"] == "confirmed" and detail["booking"]["pro"]["id"] == second.pk
