"""The OpenAPI schema documents the error envelope and the statuses each operation can answer
(issue 7, item 15); an empty `?page=` and an empty PATCH /me are refused with 400."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operation(schema, method, path):
    return schema["paths"][path][method]


def test_the_error_envelope_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert {"code", "message", "fields"} == set(error["properties"]["error"]["properties"])


def test_every_operation_documents_its_error_answers_as_the_envelope(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {status for status in responses if status.startswith("4")}
            assert errors, (method, path)
            for status in errors:
                content = responses[status]["content"]["application/json"]["schema"]
                assert content == ERROR_REF, (method, path, status)
            secured = operation.get("security") and {} not in operation["security"]
            assert ("401" in responses) == bool(secured), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= errors, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/v1/auth/token", {"400", "413", "415", "429"}),
        ("post", "/api/v1/auth/register", {"400", "413", "415", "429"}),
        ("post", "/api/v1/auth/password-reset", {"400", "413", "415", "429"}),
        ("delete", "/api/v1/auth/token", {"400", "401", "403"}),
        ("delete", "/api/v1/auth/tokens", {"400", "401", "403"}),
        ("get", "/api/v1/addresses", {"400", "401", "403", "404"}),
        ("get", "/api/v1/addresses/{id}", {"401", "403", "404"}),
        ("patch", "/api/v1/me", {"400", "401", "403", "413", "415"}),
        ("get", "/api/v1/services", {"400", "404"}),
    ],
)
def test_statuses_of_some_operations(schema, method, path, statuses):
    responses = _operation(schema, method, path)["responses"]
    assert {status for status in responses if status.startswith("4")} == statuses


def test_login_answer_documents_the_expiry(schema):
    ok = _operation(schema, "post", "/api/v1/auth/token")["responses"]["200"]
    name = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"token", "expires_at", "user"} <= set(
        schema["components"]["schemas"][name]["properties"]
    )


@pytest.mark.parametrize("page", ["", "0", "-1", "abc", "1.5", "١"])
def test_a_page_that_is_not_a_page_number_is_400(api_client, page):
    customer = CustomerFactory()
    api_client.force_authenticate(customer.user)
    for url in ("/api/v1/addresses", "/api/v1/services"):
        response = api_client.get(url, {"page": page})
        assert response.status_code == 400, (url, page, response.content)
        assert "page" in response.json()["error"]["fields"]


def test_page_numbers_still_work(api_client):
    customer = CustomerFactory()
    api_client.force_authenticate(customer.user)
    assert api_client.get("/api/v1/addresses", {"page": "1"}).status_code == 200
    assert api_client.get("/api/v1/addresses", {"page": "last"}).status_code == 200
    past = api_client.get("/api/v1/addresses", {"page": "2"})
    assert past.status_code == 404 and past.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "other@example.com"}, {"first_name": ""}, {"phone": "   "}, {"language": ""}],
    ids=repr,
)
def test_empty_patch_me_is_400(api_client, body):
    customer = CustomerFactory(user__first_name="Awa")
    api_client.force_authenticate(customer.user)
    response = api_client.patch("/api/v1/me", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    customer.user.refresh_from_db()
    assert customer.user.first_name == "Awa"
