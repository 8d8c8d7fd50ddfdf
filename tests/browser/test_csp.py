"""The Content-Security-Policy blocks nothing on the pro pages, and the behaviours moved out of
inline code (static/js/app.js) still work in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from pros.services import pro_record_completed_session
from tests.factories import ProFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRO_PAGES = [
    "/pro/",
    "/pro/agenda",
    "/pro/notifications",
    "/pro/onboarding",
    "/pro/settings",
    "/pro/settings/profile",
    "/pro/settings/services",
    "/pro/settings/zone",
    "/pro/settings/hours",
    "/pro/settings/availability",
    "/pro/settings/documents",
    "/pro/settings/bank",
    "/pro/settings/link",
    "/pro/settings/referral",
]


@pytest.fixture
def violations(page):
    """Chromium reports each blocked script, style or eval on the console."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"{page.url}: {error}"))
    return found


def test_no_policy_violation_on_pro_pages(page, login_as, violations):
    pro = ProFactory(active=True, user__email="awa@example.com")
    pro_record_completed_session(pro=pro)
    page.goto("/pro/login")
    login_as("awa@example.com")
    for path in [*PRO_PAGES, f"/book/{pro.slug}"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    # One dashboard poll (htmx) with the page visible.
    page.goto("/pro/")
    with page.expect_response(re.compile(r"/pro/proposals")):
        pass
    assert violations == []


def test_moved_behaviours_still_work(page, login_as, violations):
    pro = ProFactory(active=True, user__email="awa@example.com")
    pro_record_completed_session(pro=pro)
    login_as("awa@example.com")

    page.goto("/pro/settings/link")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator(".copy button")
    copy.click()
    expect(copy).to_have_text("Copié")
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/book/{pro.slug}")

    page.goto("/pro/settings/hours")
    monday = page.locator("#ranges-0 .range")
    expect(monday).to_have_count(1)
    monday.first.locator("button.btn-icon").click()
    # The day's last range is emptied, not removed.
    expect(monday).to_have_count(1)
    expect(monday.first.locator("input").first).to_have_value("")

    page.goto("/pro/settings/zone")
    expect(page.locator("#use-position")).to_be_visible()
    assert violations == []


def test_no_policy_violation_in_admin_and_api_docs(page, violations):
    pro = ProFactory(active=True)
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    root.set_password("demo1234")
    root.save()
    page.goto("/admin/login/")
    page.fill("input[name=username]", "root@example.com")
    page.fill("input[name=password]", "demo1234")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    for path in [
        "/admin/",
        "/admin/pros/pro/",
        f"/admin/pros/pro/{pro.pk}/change/",
        f"/admin/core/user/{root.pk}/change/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # Swagger UI renders: its init script is a separate file (no inline script).
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Wecasa API")
    assert violations == []
