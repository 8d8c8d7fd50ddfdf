"""The deployment files keep their promises: only nginx is published (so X-Forwarded-For has
one trusted writer), it serves public media but never private documents, and the local
scripts stay on this checkout (127.0.0.1, database named in DATABASE_URL, own beat state)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
NGINX_CONF = BASE_DIR / "deploy" / "nginx" / "wecasa.conf"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]


def test_only_nginx_is_published(compose):
    published = sorted(name for name, service in compose.items() if service.get("ports"))
    assert published == ["nginx"]


def test_web_trusts_exactly_the_nginx_hop(compose):
    env = compose["web"]["environment"]
    assert env["DJANGO_DEBUG"] == "false"
    assert env["NUM_PROXIES"] == "${NUM_PROXIES:-1}"


def test_nginx_serves_public_media_only(compose):
    volumes = compose["nginx"]["volumes"]
    assert "media:/srv/media:ro" in volumes
    assert not any(volume.startswith("private_media") for volume in volumes)
    conf = NGINX_CONF.read_text()
    assert "alias /srv/media/;" in conf
    assert "$proxy_add_x_forwarded_for" in conf
    assert "private" not in conf.replace("private_media` volume", "")


def test_beat_state_is_not_in_a_shared_temp_folder(compose):
    assert "/tmp/" not in compose["beat"]["command"]
    assert "/tmp/" not in (BASE_DIR / "scripts" / "run.sh").read_text()


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_config_is_valid(tmp_path):
    # The compose host names do not resolve here: point the upstream at the loopback.
    site = tmp_path / "site.conf"
    site.write_text(NGINX_CONF.read_text().replace("server web:8000;", "server 127.0.0.1:8000;"))
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {site};\n}}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _fake_commands(folder: Path, *names: str, then: dict[str, str] | None = None) -> Path:
    """Stand-ins that record their arguments in folder/calls, then run `then[name]`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = folder / name
        after = (then or {}).get(name, "")
        path.write_text(f'#!/bin/sh\necho "{name} $*" >> "{folder}/calls"\n{after}\n')
        path.chmod(0o755)
    return folder / "calls"


@pytest.mark.parametrize(("host", "expected"), [(None, "127.0.0.1"), ("0.0.0.0", "0.0.0.0")])
def test_make_run_listens_on_loopback_unless_told(tmp_path, host, expected):
    # run.sh stops all three servers when one exits: the celery stand-ins keep running like
    # servers, the web one (uvicorn) exits once the worker and beat have started. `python` is
    # only asked for a development VAPID key pair.
    calls = _fake_commands(
        tmp_path / ".venv" / "bin",
        "celery",
        "python",
        "uvicorn",
        then={
            "celery": "exec sleep 20",
            "python": "echo WEBPUSH_VAPID_PRIVATE_KEY=dev",
            "uvicorn": 'for _ in $(seq 200); do [ "$(wc -l < "$(dirname "$0")/calls")" -ge 4 ] '
            "&& exit 0; sleep 0.1; done",
        },
    )
    env = {k: v for k, v in os.environ.items() if k not in {"HOST", "WEBPUSH_VAPID_PRIVATE_KEY"}}
    if host:
        env["HOST"] = host
    subprocess.run(
        ["bash", str(BASE_DIR / "scripts" / "run.sh"), "8123"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=30,
    )
    recorded = calls.read_text()
    assert f"uvicorn wecasa.asgi:application --host {expected} --port 8123" in recorded
    assert "--schedule=.run/celerybeat-schedule" in recorded
    assert (tmp_path / ".run").is_dir()


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        ("postgres://postgres@127.0.0.1:5432/wecasa_dev", 'CREATE DATABASE "wecasa_dev"'),
        ("postgres://u:p@127.0.0.1/other?sslmode=disable", 'CREATE DATABASE "other"'),
        (None, 'CREATE DATABASE "wecasa"'),
    ],
)
def test_services_creates_the_database_named_in_database_url(tmp_path, database_url, expected):
    fake = tmp_path / "bin"
    calls = _fake_commands(fake, "psql", "pg_isready", "redis-server")
    # Redis answers PING through bash's /dev/tcp: the test suite's own Redis is up.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PATH"] = f"{fake}:{env['PATH']}"
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        ["bash", str(BASE_DIR / "scripts" / "services.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert expected in calls.read_text()


def test_nginx_never_logs_secret_urls():
    conf = NGINX_CONF.read_text()
    assert "access_log /var/log/nginx/access.log wecasa_redacted;" in conf
    for secret_path in ("/pro/data-export/", "/pro/calendar/", "/pro/password-reset/", "/book/"):
        assert f"~^{secret_path}" in conf
    # The format names the redacted path, never $request or $request_uri (they carry secrets).
    log_format = conf[conf.index("log_format wecasa_redacted") :].split(";")[0]
    assert "$wecasa_logged_uri" in log_format
    assert "$request " not in log_format and "$request_uri" not in log_format
