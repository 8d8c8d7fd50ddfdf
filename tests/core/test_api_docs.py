import re

import pytest
import yaml


@pytest.mark.django_db
def test_schema_is_openapi_with_our_paths(client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/services": {"get"},
        "/api/v1/auth/register": {"post"},
        "/api/v1/auth/token": {"post", "delete"},
        "/api/v1/auth/password-reset": {"post"},
        "/api/v1/me": {"get", "patch"},
        "/api/v1/addresses": {"get", "post"},
        "/api/v1/addresses/{id}": {"get", "delete"},
        "/api/v1/payment-methods": {"get", "post"},
        "/api/v1/payment-methods/setup-intent": {"post"},
        "/api/v1/notifications": {"get"},
        "/api/v1/notifications/read-all": {"post"},
        "/api/v1/notifications/unread-count": {"get"},
        "/api/v1/notifications/{id}/read": {"post"},
    }.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    # Request bodies are documented with their fields.
    register = paths["/api/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    component = register["$ref"].rsplit("/", 1)[-1]
    assert {"email", "password", "first_name", "last_name", "phone"} <= set(
        schema["components"]["schemas"][component]["properties"]
    )
    # Lists are documented as DRF pages (count, next, previous, results).
    for list_path in ("/api/v1/services", "/api/v1/addresses", "/api/v1/payment-methods"):
        ok = paths[list_path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        page = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[-1]]
        assert {"count", "next", "previous", "results"} <= set(page["properties"]), list_path
    # The catalogue is public: no security requirement beyond anonymous.
    assert paths["/api/v1/services"]["get"].get("security", [{}]) == [{}]


@pytest.mark.django_db
def test_schema_generation_has_no_warnings_for_our_views():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    ours = (
        "/catalog/",
        "/customers/",
        "/payouts/",
        "/notifications/",
        "/api/v1/services'",
        "/api/v1/auth/",
        "/api/v1/me'",
        "/api/v1/me/",
        "/api/v1/addresses",
        "/api/v1/payment-methods",
        "/api/v1/notifications",
    )
    problems = [
        message
        for message in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
        if any(token in message for token in ours)
    ]
    assert problems == []


@pytest.mark.django_db
def test_swagger_ui_is_served_locally(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page.lower()
    assert not re.search(r"https?://(cdn|unpkg|cdnjs|fonts)\.", page), "no CDN in the docs page"
    scripts = re.findall(r'src="([^"]+)"', page) + re.findall(r'href="([^"]+\.css)"', page)
    local = [url for url in scripts if "drf_spectacular_sidecar" in url]
    assert local, scripts
    for url in local:
        assert not url.startswith("http"), url
        assert client.get(url).status_code == 200, url
