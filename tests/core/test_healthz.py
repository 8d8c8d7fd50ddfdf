import json

import pytest


@pytest.mark.django_db
def test_healthz_checks_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_healthz_reports_redis_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


@pytest.mark.django_db
def test_unknown_api_url_answers_with_the_envelope(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found" and error["message"]


@pytest.mark.django_db
def test_unknown_page_is_html(client):
    response = client.get("/pro/does-not-exist")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_server_error_under_api_answers_with_the_envelope(rf):
    from core.views import server_error

    response = server_error(rf.get("/api/v1/me"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["code"] == "server_error"


def test_server_error_elsewhere_is_html(rf):
    from core.views import server_error

    response = server_error(rf.get("/pro/agenda"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
