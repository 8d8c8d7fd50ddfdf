"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Tests here are marked `browser` and use `django_db(transaction=True, serialized_rollback=True)`
so the catalogue loaded by data migrations is present for every test.
"""

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def _playwright():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API switches the thread to another greenlet context, where Django's
    # `connections` hands out new connection objects: carry over the contents serialized at
    # test-database creation, or `serialized_rollback` restores nothing (no catalogue).
    saved = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        for alias, contents in saved.items():
            if (
                contents is not None
                and getattr(connections[alias], "_test_serialized_contents", None) is None
            ):
                connections[alias]._test_serialized_contents = contents
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="fr-FR", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot("pros-signup") saves test-artifacts/screenshots/pros-signup.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login_as(page):
    """Log a user in through the pro login page."""

    def login(email: str, password: str = "demo1234"):
        page.goto("/pro/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()

    return login


@pytest.fixture
def pdf_upload_path(tmp_path):
    path = tmp_path / "id.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


@pytest.fixture
def screenshot_desktop():
    """screenshot_desktop(page, "admin-...") for pages driven in another (desktop) context."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
