"""One error envelope for every API failure: {"error": {"code", "message", "fields"?}}."""

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import ScopedRateThrottle

from core.api import api_exception_handler
from core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
    RuleRefused,
)
from customers.selectors import CustomerBlacklisted
from payouts.gateway import CardDeclined
from tests.factories import AddressFactory, CustomerFactory, UserFactory


def assert_envelope(response, status, code, *, fields=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if fields is None:
        assert "fields" not in error
    else:
        assert set(fields) <= set(error["fields"])
        assert all(isinstance(messages, list) and messages for messages in error["fields"].values())
    return error


@pytest.mark.django_db
def test_validation_error_lists_fields(api_client):
    response = api_client.post("/api/v1/auth/register", {"email": "not-an-email"}, format="json")
    assert_envelope(
        response, 400, "invalid", fields={"email", "password", "first_name", "last_name", "phone"}
    )


@pytest.mark.django_db
def test_malformed_json_is_invalid(api_client):
    response = api_client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert_envelope(response, 400, "invalid")


@pytest.mark.django_db
def test_unsupported_media_type(api_client):
    response = api_client.post("/api/v1/auth/token", "email=x", content_type="text/plain")
    assert_envelope(response, 415, "unsupported_media_type")


@pytest.mark.django_db
def test_401_without_token(api_client):
    response = api_client.get("/api/v1/me")
    assert_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_401_with_a_bad_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_envelope(api_client.get("/api/v1/me"), 401, "authentication_failed")


@pytest.mark.django_db
def test_404_for_someone_elses_row(api_client):
    customer = CustomerFactory()
    other = AddressFactory()
    api_client.force_authenticate(customer.user)
    assert_envelope(api_client.get(f"/api/v1/addresses/{other.pk}"), 404, "not_found")
    assert_envelope(api_client.get("/api/v1/addresses/999999"), 404, "not_found")


@pytest.mark.django_db
def test_405_method_not_allowed(api_client):
    api_client.force_authenticate(CustomerFactory().user)
    response = api_client.put("/api/v1/me", {}, format="json")
    assert_envelope(response, 405, "method_not_allowed")
    assert_envelope(api_client.delete("/api/v1/services"), 405, "method_not_allowed")


@pytest.mark.django_db
def test_429_throttled_with_retry_after(api_client, monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {**ScopedRateThrottle.THROTTLE_RATES, "login": "1/min"},
    )
    api_client.post(
        "/api/v1/auth/token", {"email": "a@example.com", "password": "x"}, format="json"
    )
    response = api_client.post(
        "/api/v1/auth/token", {"email": "a@example.com", "password": "x"}, format="json"
    )
    assert_envelope(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_403_domain_error_from_a_service(api_client):
    api_client.force_authenticate(UserFactory())
    assert_envelope(api_client.get("/api/v1/addresses"), 403, "not_a_customer")


@pytest.mark.django_db
def test_400_business_refusal(api_client):
    api_client.force_authenticate(CustomerFactory().user)
    response = api_client.post(
        "/api/v1/payment-methods", {"payment_method_id": "pm_card_declined"}, format="json"
    )
    assert_envelope(response, 400, "card_declined")


@pytest.mark.parametrize(
    "error, status, code",
    [
        (InvalidInput(fields={"start": ["Naive datetime."]}), 400, "invalid"),
        (RuleRefused(code="too_late_to_book"), 400, "too_late_to_book"),
        (CardDeclined(), 400, "card_declined"),
        (NotAllowed(), 403, "forbidden"),
        (CustomerBlacklisted(), 403, "customer_blacklisted"),
        (NotFound(), 404, "not_found"),
        (Conflict(code="proposal_unavailable"), 409, "proposal_unavailable"),
        (DomainError("Custom message"), 400, "error"),
    ],
)
def test_domain_errors_map_to_status_and_code(error, status, code):
    request = APIRequestFactory().get("/")
    response = api_exception_handler(error, {"request": request, "view": None})
    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert response.data["error"]["message"] == str(error.message)
    assert ("fields" in response.data["error"]) == bool(error.fields)


def test_domain_error_message_is_translated(settings):
    from django.utils import translation

    with translation.override("en"):
        response = api_exception_handler(CustomerBlacklisted(), {})
    assert "support" in response.data["error"]["message"].lower()
