"""API tokens (issue 7, item 4): stored hashed, one per device, expiring unless used (each use
renews them, up to a maximum age), and revoked on a password change or reset, on
deactivation and on "log out everywhere"."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from core import services as accounts
from core.models import AuditEvent
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _login(api_client, email="c@example.com", password="demo1234"):
    response = api_client.post(
        "/api/v1/auth/token", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _me(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me")
    api_client.credentials()
    return response


@pytest.fixture
def customer():
    return CustomerFactory(user__email="c@example.com")


def test_tokens_are_stored_hashed_and_per_device(api_client, customer):
    phone, tablet = _login(api_client), _login(api_client)
    assert phone["token"] != tablet["token"]
    stored = list(AuthToken.objects.filter(user=customer.user).values("digest", "token_key"))
    assert len(stored) == 2
    for row in stored:
        # Only a hash and a short lookup prefix are kept: the key itself is nowhere.
        assert row["digest"] not in (phone["token"], tablet["token"])
        assert len(row["token_key"]) < len(phone["token"]) // 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest || token_key FROM knox_authtoken")
        assert not any(phone["token"] in row[0] for row in cursor.fetchall())
    # Logging out the phone leaves the tablet logged in.
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {phone['token']}")
    assert api_client.delete("/api/v1/auth/token").status_code == 204
    api_client.credentials()
    assert _me(api_client, phone["token"]).status_code == 401
    assert _me(api_client, tablet["token"]).status_code == 200


def test_token_expires_unused_and_use_renews_it(api_client, customer, settings):
    start = timezone.now()
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    with time_machine.travel(start, tick=False):
        body = _login(api_client)
    expires_at = body["expires_at"]
    assert abs((timezone.datetime.fromisoformat(expires_at) - (start + ttl)).total_seconds()) < 5
    # Used just before it expires: renewed for another TTL.
    with time_machine.travel(start + ttl - timedelta(minutes=1), tick=False):
        assert _me(api_client, body["token"]).status_code == 200
    with time_machine.travel(start + ttl + timedelta(days=1), tick=False):
        assert _me(api_client, body["token"]).status_code == 200
    # Left unused for a whole TTL: gone.
    with time_machine.travel(start + 3 * ttl, tick=False):
        response = _me(api_client, body["token"])
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=customer.user).exists()


def test_token_is_not_renewed_past_its_maximum_age(api_client, customer, settings):
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    max_age = settings.REST_KNOX["AUTO_REFRESH_MAX_TTL"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = _login(api_client)["token"]
    moment = start
    while moment + ttl / 2 < start + max_age:  # used every half TTL, a whole year long
        moment += ttl / 2
        with time_machine.travel(moment, tick=False):
            if _me(api_client, key).status_code != 200:
                break
    with time_machine.travel(start + max_age + timedelta(minutes=1), tick=False):
        assert _me(api_client, key).status_code == 401


def test_password_reset_revokes_every_token(
    api_client, client, customer, django_capture_on_commit_callbacks
):
    keys = [_login(api_client)["token"] for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/password-reset", {"email": "c@example.com"}, format="json")
    link = re.search(r"https?://[^/\s]+(/pro/password-reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    done = client.post(
        form_url, {"new_password1": "brand-new-pass-77", "new_password2": "brand-new-pass-77"}
    )
    assert done.status_code == 302
    for key in keys:
        assert _me(api_client, key).status_code == 401
    assert not AuthToken.objects.filter(user=customer.user).exists()
    event = AuditEvent.objects.get(action="user.api_tokens_revoked")
    assert event.data == {"count": 2, "reason": "password_changed"}
    new_key = _login(api_client, password="brand-new-pass-77")["token"]
    assert _me(api_client, new_key).status_code == 200


def test_admin_password_change_revokes_every_token(api_client, client, customer):
    key = _login(api_client)["token"]
    admin = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/core/user/{customer.user.pk}/password/",
        {"password1": "brand-new-pass-77", "password2": "brand-new-pass-77"},
    )
    assert response.status_code == 302, response.content
    assert _me(api_client, key).status_code == 401


def test_deactivation_revokes_every_token(api_client, customer):
    key = _login(api_client)["token"]
    user = customer.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not AuthToken.objects.filter(user=user).exists()
    assert _me(api_client, key).status_code == 401
    assert AuditEvent.objects.get(action="user.api_tokens_revoked").data["reason"] == "deactivated"


def test_log_out_everywhere(api_client, customer):
    other = CustomerFactory(user__email="other@example.com")
    keys = [_login(api_client)["token"] for _ in range(3)]
    other_key = _login(api_client, email="other@example.com")["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]}")
    response = api_client.delete("/api/v1/auth/tokens")
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    api_client.credentials()
    for key in keys:
        assert _me(api_client, key).status_code == 401
    assert _me(api_client, other_key).status_code == 200
    assert AuthToken.objects.filter(user=other.user).count() == 1
    event = AuditEvent.objects.get(action="user.api_tokens_revoked")
    assert event.actor == customer.user and event.data["reason"] == "logout_everywhere"


def test_a_user_keeps_at_most_the_configured_number_of_devices(customer, settings):
    settings.API_TOKENS_PER_USER = 3
    issued = [accounts.auth_token_issue(user=customer.user) for _ in range(5)]
    assert AuthToken.objects.filter(user=customer.user).count() == 3
    kept = {token.token_key for token in AuthToken.objects.filter(user=customer.user)}
    assert kept == {token.key[:15] for token in issued[-3:]}


def test_a_non_text_authorization_header_is_refused_not_a_crash(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token \xff\xfe")
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_existing_drf_tokens_keep_working_after_the_migration(api_client, customer):
    """core 0004: each clear DRF key becomes a knox row holding its hash; the old table goes."""
    migration = __import__("core.migrations.0004_api_tokens_to_knox", fromlist=["tokens_to_knox"])
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz,"
            " user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now(), %s)", [old_key, customer.user.pk]
        )
    with connection.schema_editor() as editor:
        migration.tokens_to_knox(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert _me(api_client, old_key).status_code == 200
    token = AuthToken.objects.get(user=customer.user)
    assert token.digest != old_key and token.expiry is not None
