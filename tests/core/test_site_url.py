"""SITE_URL (absolute links in e-mails and the personal link) follows the port `make run`
serves when it is not set; a set SITE_URL wins."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _site_url(**env) -> str:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT"}
    }
    # An empty SITE_URL counts as unset, and a checkout's .env cannot fill it in.
    environment |= {"DJANGO_SETTINGS_MODULE": "wecasa.settings", "SITE_URL": "", **env}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://localhost:8000"),
        ({"PORT": "8123"}, "http://localhost:8123"),
        ({"PORT": "8123", "SITE_URL": "https://wecasa.example"}, "https://wecasa.example"),
    ],
)
def test_site_url_from_port_when_unset(env, expected):
    assert _site_url(**env) == expected


def test_run_script_passes_the_port_on():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "export PORT=$port" in script
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/run.sh $(PORT)" in makefile
