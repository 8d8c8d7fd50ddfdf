import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from knox.models import AuthToken as Token
from rest_framework.throttling import ScopedRateThrottle

from core import services as accounts
from core.errors import InvalidInput
from core.models import AuditEvent
from customers import services
from customers.models import Customer
from tests.factories import CustomerFactory, PaymentMethodFactory, UserFactory

User = get_user_model()

REGISTER = {
    "email": "Alice@Example.com",
    "password": "a-long-secret-42",
    "first_name": "Alice",
    "last_name": "Martin",
    "phone": "06 12 34 56 78",
}


# --- registration (service) -------------------------------------------------------------------


@pytest.mark.django_db
def test_customer_register_creates_user_and_customer():
    customer = services.customer_register(**REGISTER)
    user = customer.user
    assert user.email == "alice@example.com"
    assert user.phone == "+33612345678"
    assert user.check_password("a-long-secret-42")
    assert AuditEvent.objects.filter(
        action="customer.registered", subject=f"customers.customer:{customer.pk}"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field",
    [
        ({"password": "short"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"password": "password123"}, "password"),
        ({"password": "alicemartin"}, "password"),
        ({"phone": "12"}, "phone"),
        ({"phone": "not a phone"}, "phone"),
        ({"email": "nope"}, "email"),
        ({"first_name": "  "}, "first_name"),
    ],
)
def test_customer_register_refuses_bad_input_and_writes_nothing(change, field):
    with pytest.raises(InvalidInput) as caught:
        services.customer_register(**{**REGISTER, **change})
    assert field in caught.value.fields
    assert not User.objects.exists() and not Customer.objects.exists()


@pytest.mark.django_db
def test_customer_register_refuses_a_taken_email_case_insensitively():
    UserFactory(email="alice@example.com")
    with pytest.raises(InvalidInput) as caught:
        services.customer_register(**{**REGISTER, "email": "ALICE@example.COM"})
    assert "email" in caught.value.fields
    assert User.objects.count() == 1 and not Customer.objects.exists()


# --- registration (API) -----------------------------------------------------------------------


@pytest.mark.django_db
def test_register_api_returns_token_and_user(api_client):
    response = api_client.post("/api/v1/auth/register", REGISTER, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    user = User.objects.get(email="alice@example.com")
    assert Token.objects.filter(user=user).count() == 1 and body["expires_at"]
    assert body["user"] == {
        "id": user.pk,
        "email": "alice@example.com",
        "first_name": "Alice",
        "last_name": "Martin",
        "phone": "+33612345678",
        "language": "fr",
        "is_customer": True,
        "is_pro": False,
        "has_payment_method": False,
    }
    assert "password" not in body["user"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api_client.get("/api/v1/me").json()["email"] == "alice@example.com"


@pytest.mark.django_db
def test_register_api_duplicate_email(api_client):
    CustomerFactory(user__email="alice@example.com")
    response = api_client.post("/api/v1/auth/register", REGISTER, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "email" in error["fields"]
    assert User.objects.count() == 1 and Token.objects.count() == 0


@pytest.mark.django_db
def test_register_api_missing_fields(api_client):
    response = api_client.post("/api/v1/auth/register", {"email": "x@example.com"}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"password", "first_name", "last_name", "phone"} <= set(fields)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_register_api_weak_password(api_client):
    response = api_client.post(
        "/api/v1/auth/register", {**REGISTER, "password": "1234"}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert not User.objects.exists()


# --- token ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_for_customer_and_pro_alike(api_client):
    customer = CustomerFactory(user__email="c@example.com")
    pro_only = UserFactory(email="p@example.com")
    tokens = {}
    for user in (customer.user, pro_only):
        response = api_client.post(
            "/api/v1/auth/token",
            {"email": user.email.upper(), "password": "demo1234"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert Token.objects.filter(user=user).count() == 1
        tokens[user.email] = response.json()["token"]
    # Logging in again (another device) gives another token; both work.
    again = api_client.post(
        "/api/v1/auth/token", {"email": "c@example.com", "password": "demo1234"}, format="json"
    )
    assert Token.objects.filter(user=customer.user).count() == 2
    assert again.json()["token"] != tokens["c@example.com"]
    for key, email in (
        (tokens["c@example.com"], "c@example.com"),
        (again.json()["token"], "c@example.com"),
        (tokens["p@example.com"], "p@example.com"),
    ):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api_client.get("/api/v1/me").json()["email"] == email


@pytest.mark.django_db
def test_token_wrong_password(api_client):
    CustomerFactory(user__email="c@example.com")
    response = api_client.post(
        "/api/v1/auth/token", {"email": "c@example.com", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_token_locks_the_account_after_repeated_failures(api_client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    CustomerFactory(user__email="c@example.com")
    codes = [
        api_client.post(
            "/api/v1/auth/token", {"email": "c@example.com", "password": "wrong"}, format="json"
        ).json()["error"]["code"]
        for _ in range(3)
    ]
    assert codes == ["invalid_credentials", "invalid_credentials", "account_locked"]
    # Even the right password is refused while locked.
    response = api_client.post(
        "/api/v1/auth/token", {"email": "c@example.com", "password": "demo1234"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_token_is_throttled(api_client, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "login": "3/min"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    responses = [
        api_client.post(
            "/api/v1/auth/token", {"email": f"x{i}@example.com", "password": "x"}, format="json"
        )
        for i in range(4)
    ]
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert responses[-1].json()["error"]["code"] == "throttled"
    assert "Retry-After" in responses[-1]
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_stale_token_does_not_prevent_login(api_client):
    CustomerFactory(user__email="c@example.com")
    api_client.credentials(HTTP_AUTHORIZATION="Token stale")
    response = api_client.post(
        "/api/v1/auth/token", {"email": "c@example.com", "password": "demo1234"}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_logout_deletes_the_token(api_client):
    customer = CustomerFactory()
    token = accounts.auth_token_issue(user=customer.user)
    other_device = accounts.auth_token_issue(user=customer.user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.delete("/api/v1/auth/token").status_code == 204
    assert Token.objects.filter(user=customer.user).count() == 1  # only this device
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {other_device.key}")
    assert api_client.get("/api/v1/me").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401


@pytest.mark.django_db
def test_logout_needs_a_token(api_client):
    response = api_client.delete("/api/v1/auth/token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- password reset ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_emails_a_working_link(
    api_client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://wecasa.test"
    user = CustomerFactory(user__email="c@example.com").user
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/auth/password-reset", {"email": "C@example.com"}, format="json"
        )
    assert response.status_code == 202
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["c@example.com"]
    match = re.search(
        r"https://wecasa\.test/pro/password-reset/([^/\s]+)/([^/\s]+)", mail.outbox[0].body
    )
    assert match, mail.outbox[0].body
    uid, token = match.groups()
    assert force_str(urlsafe_base64_decode(uid)) == str(user.pk)
    assert default_token_generator.check_token(user, token)


@pytest.mark.django_db
def test_password_reset_does_not_reveal_unknown_accounts(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/auth/password-reset", {"email": "nobody@example.com"}, format="json"
        )
    assert response.status_code == 202
    assert mail.outbox == []
    CustomerFactory(user__email="c@example.com")  # same answer for a known address
    other = api_client.post(
        "/api/v1/auth/password-reset", {"email": "c@example.com"}, format="json"
    )
    assert other.status_code == 202 and other.json() == response.json()


@pytest.mark.django_db
def test_password_reset_is_throttled(api_client, monkeypatch, django_capture_on_commit_callbacks):
    CustomerFactory(user__email="a@example.com")
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "password_reset": "2/hour"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            api_client.post(
                "/api/v1/auth/password-reset", {"email": "a@example.com"}, format="json"
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [202, 202, 429]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_password_reset_email_goes_out_on_commit(django_capture_on_commit_callbacks):
    user = CustomerFactory(user__email="c@example.com").user
    with django_capture_on_commit_callbacks() as callbacks:
        assert accounts.password_reset_request(email="c@example.com") is True
        assert mail.outbox == []  # nothing leaves before the audit row is committed
    assert AuditEvent.objects.filter(action="user.password_reset_requested").exists()
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[user.email]]


# --- me ---------------------------------------------------------------------------------------


@pytest.fixture
def customer_client(api_client):
    customer = CustomerFactory()
    api_client.force_authenticate(customer.user)
    api_client.customer = customer
    return api_client


@pytest.mark.django_db
def test_me_reports_roles_and_payment_method(customer_client):
    customer = customer_client.customer
    body = customer_client.get("/api/v1/me").json()
    assert (
        body["is_customer"] is True
        and body["is_pro"] is False
        and body["has_payment_method"] is False
    )
    PaymentMethodFactory(customer=customer)
    assert customer_client.get("/api/v1/me").json()["has_payment_method"] is True


@pytest.mark.django_db
def test_me_patch_updates_names_and_phone_not_email(customer_client):
    user = customer_client.customer.user
    response = customer_client.patch(
        "/api/v1/me",
        {"first_name": "Zoé", "phone": "01 42 68 53 00", "email": "evil@example.com"},
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.phone) == ("Zoé", "+33142685300")
    assert user.email != "evil@example.com"
    assert response.json()["phone"] == "+33142685300"


@pytest.mark.django_db
def test_me_patch_bad_phone_writes_nothing(customer_client):
    user = customer_client.customer.user
    before = (user.first_name, user.phone)
    response = customer_client.patch(
        "/api/v1/me", {"first_name": "Zoé", "phone": "123"}, format="json"
    )
    assert response.status_code == 400
    assert "phone" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert (user.first_name, user.phone) == before


@pytest.mark.django_db
def test_me_needs_authentication(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_account_without_customer_profile_is_refused_then_can_become_customer(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/me").json()["is_customer"] is False
    refused = api_client.get("/api/v1/addresses")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_a_customer"
    created = api_client.post("/api/v1/me/customer")
    assert created.status_code == 201 and created.json()["is_customer"] is True
    assert api_client.post("/api/v1/me/customer").status_code == 200
    assert Customer.objects.filter(user=user).count() == 1
    assert api_client.get("/api/v1/addresses").status_code == 200


@pytest.mark.django_db
def test_password_reset_link_works_end_to_end(
    api_client, client, django_capture_on_commit_callbacks
):
    CustomerFactory(user__email="c@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/password-reset", {"email": "c@example.com"}, format="json")
    link = re.search(r"https?://[^/\s]+(/pro/password-reset/\S+)", mail.outbox[0].body).group(1)
    opened = client.get(link)
    assert opened.status_code == 302  # Django swaps the token for a session, then the form
    form_url = opened["Location"]
    done = client.post(
        form_url, {"new_password1": "brand-new-pass-77", "new_password2": "brand-new-pass-77"}
    )
    assert done.status_code == 302
    response = api_client.post(
        "/api/v1/auth/token",
        {"email": "c@example.com", "password": "brand-new-pass-77"},
        format="json",
    )
    assert response.status_code == 200
