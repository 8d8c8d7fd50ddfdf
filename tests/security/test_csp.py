"""Content-Security-Policy: pages run only our static scripts and styles. The header is sent
on every page, and no template contains code the policy would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs

from tests.factories import ProFactory

# What CSP (script-src/style-src 'self', no 'unsafe-eval') refuses, as it appears in templates.
BLOCKED = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "inline style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "inline <style>": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx hx-on (eval)": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
    "htmx trigger filter (eval)": re.compile(r"hx-trigger=\"[^\"]*\[", re.IGNORECASE),
    "htmx js: values (eval)": re.compile(r"hx-vals=['\"]\s*js:", re.IGNORECASE),
}


def _our_templates():
    """Project templates (templates/ and our apps'), not the installed packages' ones."""
    venv = settings.BASE_DIR / ".venv"
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(d)
        for d in get_app_template_dirs("templates")
        if settings.BASE_DIR in Path(d).parents and venv not in Path(d).parents
    ]
    return sorted({path for root in roots for path in root.rglob("*.html")})


def _without_comments(source: str) -> str:
    return re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", source, flags=re.DOTALL)


def test_templates_have_nothing_the_policy_blocks():
    templates = _our_templates()
    assert len(templates) > 20
    # JSON data blocks (json_script) are not executed: allowed.
    json_block = re.compile(r'<script[^>]*type="application/json"', re.IGNORECASE)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates
        for what, pattern in BLOCKED.items()
        for match in pattern.finditer(_without_comments(path.read_text()))
        if not json_block.match(match.group(0))
    ]
    assert found == []


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.strip() for d in header.split(";") if d.strip()}


@pytest.mark.django_db
def test_pro_page_sends_the_policy(client):
    pro = ProFactory(active=True)
    client.force_login(pro.user)
    response = client.get("/pro/settings/hours")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/pro/login", "/admin/login/", "/api/v1/docs"])
def test_other_pages_send_the_policy_too(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert _policy(response)["script-src"] == "script-src 'self'"
