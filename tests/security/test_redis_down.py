"""Redis down (issue 7, item 5): throttles fail open (a warning in the log), the lock-out keeps
guarding passwords (it lives in the database), /healthz says Redis is down, nothing answers 500."""

import logging

import pytest
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken

from tests.factories import CustomerFactory, ProFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def door_warnings():
    """The warnings core.doors logs (without relying on pytest's logging plugin)."""
    records = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("core.doors")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_auth_doors_keep_serving_and_log_a_warning(
    api_client, client, cache_down, door_warnings, django_capture_on_commit_callbacks
):
    CustomerFactory(user__email="c@example.com")
    ProFactory(user__email="awa@example.com")
    login = api_client.post(
        "/api/v1/auth/token", {"email": "c@example.com", "password": "demo1234"}, format="json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reset = api_client.post(
            "/api/v1/auth/password-reset", {"email": "c@example.com"}, format="json"
        )
    register = api_client.post(
        "/api/v1/auth/register",
        {
            "email": "new@example.com",
            "password": "a-long-secret-42",
            "first_name": "Alice",
            "last_name": "Martin",
            "phone": "0612345678",
        },
        format="json",
    )
    web_login = client.post(
        reverse("pros:login"), {"email": "awa@example.com", "password": "demo1234"}
    )
    assert login.status_code == 200, login.content
    assert AuthToken.objects.filter(user__email="c@example.com").exists()
    assert reset.status_code == 202 and len(mail.outbox) == 1
    assert register.status_code == 201, register.content
    assert web_login.status_code == 302
    warnings = [record.getMessage() for record in door_warnings]
    assert warnings and all("cache unavailable" in message for message in warnings)


def test_lock_out_still_holds_without_redis(api_client, cache_down, settings):
    settings.LOGIN_MAX_FAILURES = 2
    CustomerFactory(user__email="c@example.com")
    for _ in range(2):
        api_client.post(
            "/api/v1/auth/token", {"email": "c@example.com", "password": "x"}, format="json"
        )
    response = api_client.post(
        "/api/v1/auth/token", {"email": "c@example.com", "password": "demo1234"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"


def test_healthz_reports_the_cache_down(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")
