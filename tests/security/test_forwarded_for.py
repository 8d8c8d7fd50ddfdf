"""X-Forwarded-For is trusted only from configured proxies (NUM_PROXIES): an attacker who
writes a new header value on every request must not get a fresh throttle bucket each time."""

import pytest
from django.test import RequestFactory
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

LOGIN_URL = "/api/v1/auth/token"


def _rate_throttle_classes():
    found, todo = [SimpleRateThrottle], [SimpleRateThrottle]
    while todo:
        for subclass in todo.pop().__subclasses__():
            found.append(subclass)
            todo.append(subclass)
    return found


@pytest.fixture
def three_attempts_per_minute(monkeypatch):
    """Every rate throttle allows 3 requests a minute. (Throttle classes read their rates once,
    at import: patch the tables themselves, whichever class the login view uses.)"""
    for cls in _rate_throttle_classes():
        if "THROTTLE_RATES" in vars(cls):
            rates = {scope: "3/min" for scope in cls.THROTTLE_RATES}
            monkeypatch.setattr(cls, "THROTTLE_RATES", rates)


@pytest.fixture
def num_proxies(settings):
    def set_to(count: int):
        # DRF reloads its api_settings when REST_FRAMEWORK changes.
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}

    return set_to


def _failed_login(api_client, attempt: int, forwarded_for: str, remote_addr="192.0.2.10"):
    # A new e-mail each time: only the throttle (not an account lock-out) can stop these.
    return api_client.post(
        LOGIN_URL,
        {"email": f"guess{attempt}@example.com", "password": "wrong"},
        format="json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR=remote_addr,
    )


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_reset_the_login_throttle(
    api_client, three_attempts_per_minute, num_proxies
):
    num_proxies(0)  # the default: no proxy in front, forwarded headers are the client's words
    responses = [_failed_login(api_client, i, forwarded_for=f"10.0.0.{i}") for i in range(4)]
    assert [r.status_code for r in responses[:3]] == [400, 400, 400]
    assert responses[3].status_code == 429
    assert responses[3].json()["error"]["code"] == "throttled"


@pytest.mark.django_db
def test_behind_one_proxy_the_rightmost_address_is_the_client(
    api_client, three_attempts_per_minute, num_proxies
):
    num_proxies(1)
    # The client forges the left part; our proxy appends the address it saw (right-most).
    responses = [
        _failed_login(api_client, i, forwarded_for=f"10.0.0.{i}, 203.0.113.7") for i in range(4)
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert responses[3].json()["error"]["code"] == "throttled"
    # Another client behind the same proxy (same REMOTE_ADDR) keeps its own bucket.
    other = _failed_login(api_client, 9, forwarded_for="10.0.0.1, 198.51.100.9")
    assert other.status_code == 400


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "10.0.0.1", "192.0.2.10"),
        (0, None, "192.0.2.10"),
        (1, "10.0.0.1, 203.0.113.7", "203.0.113.7"),
        (1, None, "192.0.2.10"),
        (2, "10.0.0.1, 203.0.113.7, 172.16.0.2", "203.0.113.7"),
    ],
)
def test_client_address_used_by_throttles(num_proxies, count, forwarded_for, expected):
    num_proxies(count)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", **headers)
    assert BaseThrottle().get_ident(request) == expected
