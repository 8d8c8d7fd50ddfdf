"""The pro web app is installable: Chromium finds the manifest and the service worker good
enough to install (its own check, over CDP), and a page asked for without network shows the
offline page the service worker kept."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, PHONE_VIEWPORT
from tests.factories import ProFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _wait_for_service_worker(page):
    page.wait_for_function(
        "navigator.serviceWorker.getRegistration('/pro/')"
        ".then(r => Boolean(r && r.active))"
        " && navigator.serviceWorker.controller !== undefined",
        timeout=10_000,
    )
    # Resolved once the worker is active for this page's scope.
    return page.evaluate(
        "navigator.serviceWorker.ready.then(r => ({scope: r.scope, state: r.active.state}))"
    )


@pytest.fixture
def profile_page(_playwright, live_server, tmp_path):
    """A page in a browser profile on disk: Chromium never offers to install from incognito,
    which every new_context() is."""
    context = _playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path="/usr/bin/chromium",
        args=CHROMIUM_ARGS,
        viewport=PHONE_VIEWPORT,
        locale="fr-FR",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def test_chromium_finds_the_app_installable(profile_page, live_server):
    page = profile_page
    ProFactory(active=True, user__email="awa@example.com")
    page.goto("/pro/login")
    page.fill("input[name=email]", "awa@example.com")
    page.fill("input[name=password]", "demo1234")
    page.click("form.card button[type=submit]")
    expect(page).to_have_url("/pro/")
    registration = _wait_for_service_worker(page)
    assert registration == {"scope": f"{live_server.url}/pro/", "state": "activated"}

    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/pro/manifest.webmanifest")
    assert manifest["errors"] == []


def test_without_network_a_page_shows_the_offline_page(page, login_as):
    ProFactory(active=True, user__email="awa@example.com")
    login_as("awa@example.com")
    page.goto("/pro/")
    _wait_for_service_worker(page)
    page.reload()  # now controlled by the worker

    page.context.set_offline(True)
    page.goto("/pro/agenda")
    expect(page.locator(".offline h1")).to_be_visible()
    expect(page).to_have_url("/pro/agenda")  # the page asked for, answered from the cache
    expect(page.locator(".offline img")).to_have_js_property("naturalWidth", 192)

    page.context.set_offline(False)
    page.click(".offline a.btn")
    expect(page).to_have_url("/pro/")
