"""Hostile input gets a clear error, never a 500 (issue 7, items 6, 8 and 10): deeply nested
JSON, NUL bytes and non-strings in free text, bodies over the upload limit. Each answer is the
error envelope, and nothing is written."""

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator

from core.errors import InvalidInput
from core.text import clean_text
from customers import services as customer_services
from customers.models import Address
from tests.factories import CustomerFactory, ProFactory

pytestmark = pytest.mark.django_db

# About 940 levels in 1.9 KB: what took every JSON endpoint down with a RecursionError.
DEEP = "[" * 940 + "]" * 940


def _row_counts():
    # Unmanaged models (a permission holder such as ops.VitalSigns) have no table.
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed
    }


def _json_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method, path, bool(operation.get("security"))


def _envelope(response, status, code):
    assert response.status_code == status, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.fixture
def customer_and_pro(api_client):
    pro = ProFactory(user__email="both@example.com")
    CustomerFactory(user=pro.user)
    return pro.user


def test_deep_json_is_refused_on_every_json_endpoint(api_client, customer_and_pro):
    operations = list(_json_operations())
    assert len(operations) >= 8
    before = _row_counts()
    for method, path, needs_token in operations:
        api_client.force_authenticate(customer_and_pro if needs_token else None)
        url = path.replace("{id}", "1").replace("{pro_id}", "1").replace("{slug}", "x")
        response = getattr(api_client, method)(url, DEEP, content_type="application/json")
        if "{" in path:  # the object may be looked up (404) before the body is read
            assert response.status_code in (400, 404), (method, path, response.status_code)
            _envelope(response, response.status_code, response.json()["error"]["code"])
        else:
            error = _envelope(response, 400, "invalid")
            assert "32" in error["message"], (method, path, error)
    assert _row_counts() == before


def test_anonymous_deep_json_is_refused_before_parsing(api_client):
    for url in ("/api/v1/auth/token", "/api/v1/auth/register", "/api/v1/auth/password-reset"):
        _envelope(api_client.post(url, DEEP, content_type="application/json"), 400, "invalid")
    # Inside strings brackets do not count; 32 levels of real nesting are fine.
    nested = '{"email": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "password": "x", "x": '
    body = nested + "[" * 31 + "]" * 31 + "}"
    response = api_client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.json()["error"]["code"] == "invalid_credentials"


# --- free text: NUL bytes and non-strings ------------------------------------------------------


@pytest.mark.parametrize("value", ["Zo\x00é", 5, 5.5, True, ["Zoé"], {"name": "Zoé"}], ids=repr)
def test_profile_names_must_be_text_without_nul(api_client, value):
    customer = CustomerFactory(user__first_name="Awa")
    api_client.force_authenticate(customer.user)
    before = _row_counts()
    response = api_client.patch("/api/v1/me", {"first_name": value}, format="json")
    assert "first_name" in _envelope(response, 400, "invalid")["fields"]
    customer.user.refresh_from_db()
    assert customer.user.first_name == "Awa" and _row_counts() == before


@pytest.mark.parametrize("field", ["label", "street", "city", "postal_code"])
@pytest.mark.parametrize("value", ["Rue\x00", 75011, ["x"]], ids=repr)
def test_address_text_must_be_text_without_nul(api_client, field, value):
    customer = CustomerFactory()
    api_client.force_authenticate(customer.user)
    body = {
        "label": "Home",
        "street": "1 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "lat": 48.8686,
        "lng": 2.3314,
        field: value,
    }
    response = api_client.post("/api/v1/addresses", body, format="json")
    assert field in _envelope(response, 400, "invalid")["fields"]
    assert not Address.objects.exists()


def test_registration_refuses_nul_and_non_strings(api_client):
    before = _row_counts()
    for change in ({"first_name": "A\x00"}, {"phone": 612345678}, {"password": ["x"]}):
        body = {
            "email": "n@example.com",
            "password": "a-long-secret-42",
            "first_name": "Alice",
            "last_name": "Martin",
            "phone": "0612345678",
            **change,
        }
        response = api_client.post("/api/v1/auth/register", body, format="json")
        assert set(change) <= set(_envelope(response, 400, "invalid")["fields"])
    assert _row_counts() == before


@pytest.mark.parametrize("value", ["a\x00b", 12, ["x"], {"a": 1}, b"x"], ids=repr)
def test_the_one_text_check_refuses_nul_and_non_strings(value):
    with pytest.raises(InvalidInput) as caught:
        clean_text(value, field="reason")
    assert list(caught.value.fields) == ["reason"]


def test_services_called_directly_refuse_nul_and_write_nothing():
    """Services check their free text themselves: the admin and tasks call them too."""
    customer = CustomerFactory(user__first_name="Awa")
    before = _row_counts()
    calls = [
        lambda: customer_services.user_profile_update(user=customer.user, first_name="A\x00"),
        lambda: customer_services.address_create(
            customer=customer, street="1 rue\x00", postal_code="75002", city="Paris", lat=48, lng=2
        ),
        lambda: customer_services.address_create(
            customer=customer, street=["1 rue"], postal_code="75002", city="Paris", lat=48, lng=2
        ),
        lambda: customer_services.customer_blacklist(customer=customer, by=None, reason="x\x00"),
        lambda: customer_services.customer_blacklist(customer=customer, by=None, reason=42),
    ]
    for call in calls:
        with pytest.raises(InvalidInput):
            call()
    assert _row_counts() == before


# --- bodies over the upload limit ------------------------------------------------------------


def test_body_over_the_limit_is_413_payload_too_large(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    customer = CustomerFactory(user__first_name="Awa")
    before = _row_counts()
    big = {
        "email": "big@example.com",
        "password": "a-long-secret-42",
        "first_name": "A" * 4000,
        "last_name": "Martin",
        "phone": "0612345678",
    }
    for kind in ("json", "multipart"):
        response = api_client.post("/api/v1/auth/register", big, format=kind)
        _envelope(response, 413, "payload_too_large")
        assert response["Content-Type"] == "application/json"
    api_client.force_authenticate(customer.user)
    response = api_client.patch("/api/v1/me", {"first_name": "B" * 4000}, format="json")
    _envelope(response, 413, "payload_too_large")
    customer.user.refresh_from_db()
    assert customer.user.first_name == "Awa" and _row_counts() == before


def test_body_too_large_raised_inside_a_view_is_the_envelope(rf, settings):
    """When Django itself refuses the body (RequestDataTooBig while reading the POST), the
    API still answers with the envelope: the exception handler and handler400 map it."""
    from django.core.exceptions import RequestDataTooBig

    from core.api import api_exception_handler
    from core.views import bad_request

    response = api_exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413 and response.data["error"]["code"] == "payload_too_large"
    answer = bad_request(rf.post("/api/v1/auth/token"), RequestDataTooBig("too big"))
    assert answer.status_code == 413
    assert bad_request(rf.post("/api/v1/auth/token"), ValueError()).status_code == 400
    assert bad_request(rf.post("/pro/login"), RequestDataTooBig("x")).status_code == 400
