"""Production settings pass Django's deployment checklist, from the environment alone; the
development defaults stay convenient (no HTTPS needed on localhost)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Variables that would change what is checked; the test sets what it needs.
OVERRIDABLE_PREFIXES = ("DJANGO_", "NUM_PROXIES")


def _env(**values: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OVERRIDABLE_PREFIXES)}
    env["DJANGO_SETTINGS_MODULE"] = "wecasa.settings"
    env.update(values)
    return env


def _production(**values: str) -> dict:
    return _env(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="wecasa.example",
        **values,
    )


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(env: dict) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: getattr(s, name) for name in ("
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
        "'SECURE_PROXY_SSL_HEADER')} | {'NUM_PROXIES': s.REST_FRAMEWORK['NUM_PROXIES']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_notices_a_weakened_setting():
    """The check above can fail: turning one protection off from the environment is reported."""
    env = _production(DJANGO_SECURE_SSL_REDIRECT="false")
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_defaults():
    assert _settings(_production()) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        # No proxy configured: X-Forwarded-For and X-Forwarded-Proto are not trusted.
        "SECURE_PROXY_SSL_HEADER": None,
        "NUM_PROXIES": 0,
    }


def test_development_defaults_work_over_plain_http():
    assert _settings(_env(DJANGO_DEBUG="true")) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "NUM_PROXIES": 0,
    }


def test_behind_a_proxy_its_https_header_is_trusted():
    values = _settings(_production(NUM_PROXIES="1"))
    assert values["NUM_PROXIES"] == 1
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    """The container healthcheck calls gunicorn over plain http."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code != 301
    assert client.get("/pro/login").status_code == 301
