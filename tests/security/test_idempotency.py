"""Retries must not double-book (issue 7, item 11): `Idempotency-Key` on every API POST that
needs an account (core.idempotency_middleware), and one open request per home and time (the
database's exclusion constraint, 409 `duplicate_request`). Real threads racing: see
tests/concurrency/test_duplicate_requests.py."""

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

from bookings import services
from bookings.errors import DuplicateRequest
from bookings.models import BookingRequest
from catalog.models import Service
from core import idempotency
from core.models import IdempotencyRecord
from core.tasks import purge_idempotency_keys
from tests.bookings.helpers import NOW, at
from tests.factories import AddressFactory, CustomerFactory, booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db

URL = "/api/v1/booking-requests"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(db):
    return Service.objects.get(slug="menage-2h")


@pytest.fixture
def home(clock, service):
    """A customer with a card and an address a pro covers."""
    dispatchable_pro(services=[service])
    return booking_customer()


def token_client(user) -> APIClient:
    """A real `Authorization: Token` (force_authenticate would skip authentication, which the
    middleware runs with the view's own authenticators)."""
    _instance, key = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def body(home, service, start=None, **extra) -> dict:
    return {
        "service": service.pk,
        "address": home[1].pk,
        "start": (start or at(3, 10)).isoformat(),
        **extra,
    }


def post(client, data, key=None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, json.dumps(data), content_type="application/json", headers=headers)


# --- the header -----------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer(home, service):
    client = token_client(home[0].user)
    key = str(uuid.uuid4())
    first = post(client, body(home, service), key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = post(client, body(home, service), key)
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert BookingRequest.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(home, service):
    client = token_client(home[0].user)
    post(client, body(home, service), "key-1")
    other = post(client, body(home, service, start=at(4, 10)), "key-1")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    # ...and on another path too (a key names one action).
    favorite = client.post(
        "/api/v1/favorites", {"pro": 1}, format="json", headers={"Idempotency-Key": "key-1"}
    )
    assert favorite.status_code == 422
    assert BookingRequest.objects.count() == 1


def test_keys_belong_to_one_account(home, service, clock):
    client = token_client(home[0].user)
    assert post(client, body(home, service), "shared").status_code == 201
    stranger = token_client(CustomerFactory().user)
    # Another account's key of the same name is its own: it runs (and is refused on its own
    # terms: this address is not theirs).
    answer = post(stranger, body(home, service), "shared")
    assert answer.status_code == 400 and "Idempotent-Replayed" not in answer


def test_without_a_key_a_retry_runs_again_and_meets_the_constraint(home, service):
    client = token_client(home[0].user)
    assert post(client, body(home, service)).status_code == 201
    second = post(client, body(home, service))
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "duplicate_request"
    assert BookingRequest.objects.count() == 1


def test_a_refusal_releases_the_key(home, service):
    """A 4xx wrote nothing: the client may fix things and retry with the same key."""
    client = token_client(home[0].user)
    too_soon = post(client, body(home, service, start=NOW + timedelta(hours=1)), "k")
    assert too_soon.json()["error"]["code"] == "too_late_to_book"
    assert not IdempotencyRecord.objects.exists()
    assert post(client, body(home, service), "k").status_code == 201


def test_a_key_still_running_answers_409(home, service):
    client = token_client(home[0].user)
    data = body(home, service)
    IdempotencyRecord.objects.create(
        user=home[0].user,
        key="busy",
        fingerprint=idempotency.fingerprint(
            method="POST", path=URL, body=json.dumps(data).encode()
        ),
        locked_until=NOW + timedelta(seconds=30),
        expires_at=NOW + timedelta(hours=24),
    )
    answer = post(client, data, "busy")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "idempotency_key_in_use"
    assert answer["Retry-After"] == "1"
    assert not BookingRequest.objects.exists()


def test_a_lost_claim_is_taken_over_after_the_lease(home, service, clock, settings):
    """The worker that held the key died (kill -9): after IDEMPOTENCY_LEASE the retry runs."""
    client = token_client(home[0].user)
    data = body(home, service)
    IdempotencyRecord.objects.create(
        user=home[0].user,
        key="lost",
        fingerprint=idempotency.fingerprint(
            method="POST", path=URL, body=json.dumps(data).encode()
        ),
        locked_until=NOW - timedelta(seconds=1),
        expires_at=NOW + timedelta(hours=24),
    )
    assert settings.IDEMPOTENCY_LEASE == timedelta(seconds=60)
    assert post(client, data, "lost").status_code == 201
    assert post(client, data, "lost")["Idempotent-Replayed"] == "true"


def test_keys_expire_after_24_hours(home, service, clock, settings):
    assert settings.IDEMPOTENCY_KEY_TTL == timedelta(hours=24)
    client = token_client(home[0].user)
    assert post(client, body(home, service), "day-old").status_code == 201
    clock.shift(timedelta(hours=23))
    assert post(client, body(home, service), "day-old")["Idempotent-Replayed"] == "true"
    clock.shift(timedelta(hours=1, seconds=1))
    # Forgotten: the same key is new, so this runs (and meets the open request: a refusal
    # releases the key).
    assert post(client, body(home, service), "day-old").status_code == 409
    assert not IdempotencyRecord.objects.exists()


def test_the_beat_task_deletes_forgotten_keys(home, service, clock):
    client = token_client(home[0].user)
    post(client, body(home, service), "old")
    post(client, {"pro": 1}, "refused")  # released at once
    clock.shift(timedelta(hours=1))
    post(client, body(home, service, start=at(5, 10)), "recent")
    assert purge_idempotency_keys() == 0
    clock.shift(timedelta(hours=23, seconds=1))
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "clé", "a b"])
def test_a_malformed_key_is_refused(home, service, key):
    answer = post(token_client(home[0].user), body(home, service), key)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid" and "Idempotency-Key" in error["fields"]
    assert not BookingRequest.objects.exists()


def test_anonymous_posts_ignore_the_header(db):
    """A login's answer is a token: it is never stored, and a retry logs in again."""
    CustomerFactory(user__email="awa@example.com")
    client = APIClient()
    credentials = {"email": "awa@example.com", "password": "demo1234"}
    headers = {"Idempotency-Key": "login"}
    first = client.post("/api/v1/auth/token", credentials, format="json", headers=headers)
    second = client.post("/api/v1/auth/token", credentials, format="json", headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"]
    assert not IdempotencyRecord.objects.exists()


def test_a_bad_token_is_the_views_401(home, service):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert post(client, body(home, service), "k").status_code == 401


def test_every_other_authenticated_post_honours_it_too(clock):
    customer = CustomerFactory()
    client = token_client(customer.user)
    data = {"label": "Home", "street": "1 rue de Rivoli", "postal_code": "75001"}
    data |= {"city": "Paris", "lat": "48.8566", "lng": "2.3522"}
    first = client.post(
        "/api/v1/addresses", data, format="json", headers={"Idempotency-Key": "address"}
    )
    again = client.post(
        "/api/v1/addresses", data, format="json", headers={"Idempotency-Key": "address"}
    )
    assert first.status_code == 201, first.content
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert customer.addresses.count() == 1


# --- the schema -----------------------------------------------------------------------------------


def test_the_schema_documents_the_header_on_every_authenticated_post():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = with_header = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
            has_header = any(p["name"] == "Idempotency-Key" for p in headers)
            anonymous = {} in operation.get("security", [{}])
            expected = method == "post" and not anonymous
            assert has_header == expected, (method, path)
            if has_header:
                with_header += 1
                assert {"409", "422"} <= set(operation["responses"]), (method, path)
                assert "idempotency_key_in_use" in operation["responses"]["409"]["description"]
            documented += 1
    assert with_header >= 20 and documented > with_header


# --- the constraint -------------------------------------------------------------------------------


def test_one_open_request_per_home_and_time(home, service):
    customer, address = home
    create = dict(customer=customer, service=service, address=address)
    services.booking_request_create(start=at(3, 10), **create)
    for overlapping in (at(3, 10), at(3, 11, 30), at(3, 8, 30)):
        with pytest.raises(DuplicateRequest):
            services.booking_request_create(start=overlapping, **create)
    # Touching is not overlapping ([start, end)); another day, another address: fine.
    services.booking_request_create(start=at(3, 12), **create)
    services.booking_request_create(start=at(4, 10), **create)
    other_address = AddressFactory(customer=customer, lat=address.lat, lng=address.lng)
    services.booking_request_create(start=at(3, 10), **{**create, "address": other_address})
    assert BookingRequest.objects.count() == 4


def test_a_closed_request_frees_its_time(home, service):
    customer, address = home
    create = dict(customer=customer, service=service, address=address, start=at(3, 10))
    first = services.booking_request_create(**create)
    services.booking_request_cancel(request=first, by=customer.user)
    services.booking_request_create(**create)
    assert BookingRequest.objects.filter(status="dispatching").count() == 1
