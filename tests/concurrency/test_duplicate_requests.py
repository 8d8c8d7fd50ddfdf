"""Real threads on real PostgreSQL, through the whole HTTP stack: two identical booking-request
POSTs at the same instant (a phone app retrying after a timeout, a double tap, two devices)
yield exactly one request, with or without an `Idempotency-Key`.

The first request is held inside its transaction for a moment after its insert, so the second
really overlaps it: without a key (or with different keys) it reaches the insert and waits on
the exclusion constraint, then fails with 409 `duplicate_request`; with the same key it never
runs: 409 `idempotency_key_in_use` (it does not wait), and a later retry gets the first answer.
"""

import json
import time
from datetime import timedelta

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from bookings import events
from bookings.models import BookingRequest
from catalog.models import Service
from core import clock
from core.models import IdempotencyRecord
from tests.concurrency.threads import run_together
from tests.factories import booking_customer, dispatchable_pro

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

URL = "/api/v1/booking-requests"
HOLD_SECONDS = 0.5


@pytest.fixture
def slow_insert(monkeypatch):
    """The request's transaction stays open HOLD_SECONDS after its insert (only the first
    insert: the other thread, if it gets there, is the one that must wait and fail)."""
    original = events.request_created
    held = []

    def created_then_hold(**kwargs):
        event = original(**kwargs)
        if not held:
            held.append(kwargs["request"].pk)
            time.sleep(HOLD_SECONDS)
        return event

    monkeypatch.setattr(events, "request_created", created_then_hold)
    return held


@pytest.fixture
def home():
    service = Service.objects.get(slug="menage-2h")
    dispatchable_pro(services=[service])
    customer, address = booking_customer()
    _instance, token = AuthToken.objects.create(user=customer.user)
    start = (clock.now() + timedelta(days=3)).astimezone(clock.PARIS)
    body = {
        "service": service.pk,
        "address": address.pk,
        "start": start.replace(hour=10, minute=0, second=0, microsecond=0).isoformat(),
    }
    return token, json.dumps(body)


def _post(token, body, key=None):
    def call():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        headers = {"Idempotency-Key": key} if key else {}
        response = client.post(URL, body, content_type="application/json", headers=headers)
        code = response.json().get("error", {}).get("code") if response.status_code >= 400 else ""
        return response.status_code, code, response.content

    return call


def _answers(results):
    assert not any(isinstance(result, Exception) for result in results), results
    return sorted((status, code) for status, code, _content in results)


def test_two_identical_posts_without_a_key_make_one_request(home, slow_insert):
    token, body = home
    results = run_together([_post(token, body), _post(token, body)])
    assert _answers(results) == [(201, ""), (409, "duplicate_request")]
    assert BookingRequest.objects.count() == 1


def test_two_identical_posts_with_different_keys_make_one_request(home, slow_insert):
    token, body = home
    results = run_together([_post(token, body, "key-a"), _post(token, body, "key-b")])
    assert _answers(results) == [(201, ""), (409, "duplicate_request")]
    assert BookingRequest.objects.count() == 1
    # The refused one released its key; the one that ran keeps its answer.
    assert list(IdempotencyRecord.objects.values_list("status_code", flat=True)) == [201]


def test_two_identical_posts_with_the_same_key_run_once(home, slow_insert):
    token, body = home
    results = run_together([_post(token, body, "same"), _post(token, body, "same")])
    assert _answers(results) == [(201, ""), (409, "idempotency_key_in_use")]
    assert BookingRequest.objects.count() == 1
    assert len(slow_insert) == 1  # the second never reached the service
    # Once the first has answered, a retry is its answer again.
    created = next(content for status, _code, content in results if status == 201)
    status, _code, content = _post(token, body, "same")()
    assert (status, content) == (201, created)


def test_twenty_identical_posts_at_once_make_one_request(home):
    """No hold: whatever the interleaving, one request; every other answer is a clean 409 or
    (same key, after the first answered) the first answer replayed."""
    token, body = home
    calls = [_post(token, body, key) for key in ["same"] * 10 + [None] * 10]
    results = run_together(calls)
    answers = _answers(results)
    assert set(answers) <= {
        (201, ""),
        (409, "duplicate_request"),
        (409, "idempotency_key_in_use"),
    }, answers
    assert len({content for status, _code, content in results if status == 201}) == 1
    assert BookingRequest.objects.count() == 1
