"""One login defence on every door (issue 7, item 2): the API token login, the pro web login
and the admin login lock an e-mail+address after LOGIN_MAX_FAILURES failures, refuse even the
right password while locked, let the owner in from another address, and forget the failures
after LOGIN_LOCKOUT_SECONDS. Password resets and registrations are rate limited per address
and do not say more than they must."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.throttling import ScopedRateThrottle

from core.models import User
from customers.models import Customer
from tests.factories import CustomerFactory, ProFactory, UserFactory

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
PASSWORD = "demo1234"

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    return settings


def _api_login(api_client, email, password, address):
    return api_client.post(
        "/api/v1/auth/token",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def _assert_locked_envelope(response):
    assert response.status_code == 429, response.content
    error = response.json()["error"]
    assert error["code"] == "account_locked" and error["message"]


# --- API token login -------------------------------------------------------------------------


def test_api_login_locks_the_attackers_address_only(api_client, limits):
    victim = CustomerFactory(user__email="victim@example.com").user
    codes = [
        _api_login(api_client, "Victim@Example.com ", "guess", ATTACKER).json()["error"]["code"]
        for _ in range(3)
    ]
    assert codes == ["invalid_credentials", "invalid_credentials", "account_locked"]
    # The right password from the attacker's address is refused too, and no token is made...
    _assert_locked_envelope(_api_login(api_client, "victim@example.com", PASSWORD, ATTACKER))
    assert not AuthToken.objects.filter(user=victim).exists()
    # ...while the owner, from their own address, logs in.
    response = _api_login(api_client, "victim@example.com", PASSWORD, OWNER)
    assert response.status_code == 200, response.content
    assert AuthToken.objects.filter(user=victim).count() == 1


def test_api_lock_out_expires_after_the_cool_off(api_client, limits):
    CustomerFactory(user__email="victim@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            _api_login(api_client, "victim@example.com", "guess", ATTACKER)
        _assert_locked_envelope(_api_login(api_client, "victim@example.com", PASSWORD, ATTACKER))
    with time_machine.travel(start + timedelta(seconds=599), tick=False):
        # Attempts while locked do not extend the lock-out...
        _assert_locked_envelope(_api_login(api_client, "victim@example.com", PASSWORD, ATTACKER))
    with time_machine.travel(start + timedelta(seconds=601), tick=False):
        # ...which ends LOGIN_LOCKOUT_SECONDS after the last counted failure.
        response = _api_login(api_client, "victim@example.com", PASSWORD, ATTACKER)
        assert response.status_code == 200, response.content


def test_api_success_clears_earlier_failures(api_client, limits):
    CustomerFactory(user__email="c@example.com")
    for _ in range(2):
        _api_login(api_client, "c@example.com", "typo", OWNER)
    assert _api_login(api_client, "c@example.com", PASSWORD, OWNER).status_code == 200
    for _ in range(2):
        _api_login(api_client, "c@example.com", "typo", OWNER)
    assert _api_login(api_client, "c@example.com", PASSWORD, OWNER).status_code == 200


# --- pro web login ---------------------------------------------------------------------------


def _web_login(client, email, password, address):
    return client.post(
        reverse("pros:login"),
        {"email": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_pro_web_login_locks_the_attackers_address_only(client, limits):
    ProFactory(user__email="awa@example.com")
    for _ in range(3):
        response = _web_login(client, "awa@example.com", "guess", ATTACKER)
    assert response.status_code == 429
    assert b"locked" in response.content  # the form shows the message
    response = _web_login(client, "awa@example.com", PASSWORD, ATTACKER)
    assert response.status_code == 429 and SESSION_KEY not in client.session
    response = _web_login(client, "awa@example.com", PASSWORD, OWNER)
    assert response.status_code == 302 and SESSION_KEY in client.session


# --- admin login -----------------------------------------------------------------------------


def _admin_login(client, email, password, address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_admin_login_is_locked_out_and_refuses_the_right_password(client, limits):
    UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    statuses = [_admin_login(client, "boss@example.com", "guess", ATTACKER) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert b"locked" in statuses[-1].content
    response = _admin_login(client, "boss@example.com", PASSWORD, ATTACKER)
    assert response.status_code == 429 and SESSION_KEY not in client.session
    # The real admin, from their own address, is not locked out by the attacker.
    response = _admin_login(client, "boss@example.com", PASSWORD, OWNER)
    assert response.status_code == 302 and SESSION_KEY in client.session


def test_admin_and_api_count_the_same_failures(api_client, client, limits):
    """One defence: failures at one door count at the others for the same e-mail+address."""
    UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    _admin_login(client, "boss@example.com", "guess", ATTACKER)
    _web_login(client, "boss@example.com", "guess", ATTACKER)
    _assert_locked_envelope(_api_login(api_client, "boss@example.com", "guess", ATTACKER))


# --- rate limits per address -----------------------------------------------------------------


@pytest.fixture
def two_per_hour(monkeypatch):
    rates = {scope: "2/hour" for scope in ScopedRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)


def test_admin_login_is_rate_limited_per_address(client, two_per_hour):
    """Many e-mails from one address (credential stuffing) hit the address's limit."""
    responses = [_admin_login(client, f"guess{i}@example.com", "guess", ATTACKER) for i in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "Retry-After" in responses[-1]
    assert _admin_login(client, "guess9@example.com", "guess", OWNER).status_code == 200


def test_password_reset_answers_the_same_and_is_throttled(
    api_client, client, two_per_hour, django_capture_on_commit_callbacks
):
    CustomerFactory(user__email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(
            "/api/v1/auth/password-reset", {"email": "known@example.com"}, format="json"
        )
        unknown = api_client.post(
            "/api/v1/auth/password-reset", {"email": "nobody@example.com"}, format="json"
        )
        third = api_client.post(
            "/api/v1/auth/password-reset", {"email": "known@example.com"}, format="json"
        )
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert third.status_code == 429 and third.json()["error"]["code"] == "throttled"
    assert len(mail.outbox) == 1  # the owner is told; the unknown address gets nothing
    # The web form: the same redirect for both, then the limit.
    url = reverse("pros:password_reset")
    web = [
        client.post(url, {"email": email}, REMOTE_ADDR=ATTACKER)
        for email in ("known@example.com", "nobody@example.com", "known@example.com")
    ]
    assert [r.status_code for r in web] == [302, 302, 429]
    assert web[0]["Location"] == web[1]["Location"]
    assert len(mail.outbox) == 2


REGISTER = {
    "password": "a-long-secret-42",
    "first_name": "Alice",
    "last_name": "Martin",
    "phone": "06 12 34 56 78",
}


def test_registration_says_an_email_is_taken_only_under_its_rate_limit(api_client, two_per_hour):
    CustomerFactory(user__email="taken@example.com")
    taken = api_client.post(
        "/api/v1/auth/register", {**REGISTER, "email": "taken@example.com"}, format="json"
    )
    assert taken.status_code == 400 and "email" in taken.json()["error"]["fields"]
    created = api_client.post(
        "/api/v1/auth/register", {**REGISTER, "email": "new1@example.com"}, format="json"
    )
    assert created.status_code == 201
    # Past the limit nothing is said about any address, and nothing is written.
    for email in ("taken@example.com", "new2@example.com"):
        response = api_client.post(
            "/api/v1/auth/register", {**REGISTER, "email": email}, format="json"
        )
        assert response.status_code == 429 and response.json()["error"]["code"] == "throttled"
    assert not User.objects.filter(email="new2@example.com").exists()
    assert Customer.objects.count() == 2


def test_pro_signup_form_is_rate_limited(client, two_per_hour):
    url = reverse("pros:signup")
    statuses = [
        client.post(url, {"email": f"p{i}@example.com"}, REMOTE_ADDR=ATTACKER).status_code
        for i in range(3)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
    assert not User.objects.exists()
