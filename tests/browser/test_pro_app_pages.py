"""Every pro page, on the demo world, at phone (390 px) and desktop (1280 px) widths: axe-core
finds no serious or critical accessibility violation, nothing scrolls sideways on the phone,
and each page is photographed.

`make screenshots` runs this file with SCREENSHOTS_DIR=docs/screenshots: the README's gallery
of phone screenshots. Otherwise they go to test-artifacts/screenshots/pages/.
axe-core is vendored (tests/browser/assets/axe.min.js, npm's axe-core, MPL-2.0) and evaluated
through the DevTools protocol, which the page's Content-Security-Policy does not govern."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from bookings import services as booking_services
from bookings import tasks
from bookings.models import Booking
from catalog.models import Service
from core import clock
from customers.models import Customer
from pros.models import Pro
from tests.factories import days_ahead_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text()
GALLERY = bool(os.environ.get("SCREENSHOTS_DIR"))
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "test-artifacts/screenshots/pages")
if not SHOTS.is_absolute():
    SHOTS = ROOT / SHOTS
# Desktop screenshots are looked at, not published.
DESKTOP_SHOTS = ROOT / "test-artifacts/screenshots/pages/desktop"
DESKTOP = {"width": 1280, "height": 900}

# (file name, path); {booking} is one of the pro's upcoming sessions.
PRO_PAGES = [
    ("01-dashboard", "/pro/"),
    ("02-agenda", "/pro/agenda"),
    ("03-booking", "/pro/bookings/{booking}"),
    ("04-new-session", "/pro/sessions/new"),
    ("05-notifications", "/pro/notifications"),
    ("06-push-notifications", "/pro/notifications/devices"),
    ("07-earnings", "/pro/earnings"),
    ("08-to-declare", "/pro/to-declare"),
    ("09-settings", "/pro/settings"),
    ("10-score", "/pro/score"),
    ("11-services", "/pro/settings/services"),
    ("12-zone", "/pro/settings/zone"),
    ("13-hours", "/pro/settings/hours"),
    ("14-availability", "/pro/settings/availability"),
    ("15-profile", "/pro/settings/profile"),
    ("16-documents", "/pro/settings/documents"),
    ("17-bank", "/pro/settings/bank"),
    ("18-link", "/pro/settings/link"),
    ("19-referral", "/pro/settings/referral"),
    ("20-calendar", "/pro/settings/calendar"),
    ("21-reviews", "/pro/reviews"),
    ("22-support", "/pro/support"),
    ("23-onboarding", "/pro/onboarding"),
    ("24-my-data", "/pro/settings/my-data"),
    ("25-close-account", "/pro/settings/close-account"),
]
PUBLIC_PAGES = [
    ("30-login", "/pro/login"),
    ("31-signup", "/pro/signup"),
    ("32-password-reset", "/pro/password-reset"),
    ("33-offline", "/pro/offline"),
    ("34-privacy-notice", "/privacy"),
]


@pytest.fixture
def demo_pro():
    """The demo world, and an open proposal on pro1's dashboard."""
    call_command("seed_demo", verbosity=0)
    pro = Pro.objects.get(user__email="pro1@example.com")
    customer = Customer.objects.get(user__email="customer2@example.com")
    request = booking_services.booking_request_create(
        customer=customer,
        service=Service.objects.get(slug="menage-2h"),
        address=customer.addresses.active().first(),
        start=days_ahead_at(2, 14),
        notes="Merci de prendre des sacs poubelle.",
    )
    request.exclusive_pro = pro  # pro1 gets it first
    tasks.dispatch_request(request.pk)
    return pro


def _axe_violations(page) -> list[str]:
    # Colours are measured once entrance animations (a new proposal card fades in) are over.
    page.evaluate("Promise.all(document.getAnimations().map(animation => animation.finished))")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: "
        + "; ".join(
            f"{node['target']}: {node['failureSummary'].splitlines()[-1].strip()}"
            for node in violation["nodes"][:3]
        )
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def _tab_bar_at_the_end(page):
    """A full-page screenshot would show the fixed tab bar in the middle of a long page."""
    page.evaluate(
        "document.querySelectorAll('.tabbar').forEach(bar => { bar.style.position = 'static'; })"
    )


def _visit_all(page, pages, *, width_name: str, problems: list, booking=None):
    for name, path in pages:
        response = page.goto(path.format(booking=booking))
        assert response.status == 200, path
        page.wait_for_load_state("load")
        problems.extend(_axe_violations(page))
        if width_name == "phone":
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > 390:
                problems.append(f"{page.url}: {scroll} px wide at 390 px")
            _tab_bar_at_the_end(page)
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        else:
            _tab_bar_at_the_end(page)
            page.screenshot(path=str(DESKTOP_SHOTS / f"{name}.png"), full_page=True)


def test_every_pro_page_passes_axe_at_phone_and_desktop_widths(page, login_as, demo_pro):
    SHOTS.mkdir(parents=True, exist_ok=True)
    DESKTOP_SHOTS.mkdir(parents=True, exist_ok=True)
    booking = (
        Booking.objects.filter(pro=demo_pro, status="confirmed", start__gt=clock.now())
        .order_by("start")
        .first()
    )
    assert booking is not None
    problems: list[str] = []

    _visit_all(page, PUBLIC_PAGES, width_name="phone", problems=problems)
    login_as("pro1@example.com")
    _visit_all(page, PRO_PAGES, width_name="phone", problems=problems, booking=booking.pk)
    page.set_viewport_size(DESKTOP)
    _visit_all(page, PRO_PAGES, width_name="desktop", problems=problems, booking=booking.pk)

    assert problems == [], "\n".join(problems)
    if GALLERY:
        _write_gallery_index()


def _write_gallery_index() -> None:
    lines = [
        "# The pro web app at 390 px",
        "",
        "Generated by `make screenshots` (tests/browser/test_pro_app_pages.py) on the demo world,",
        "logged in as pro1@example.com; every page also passes axe-core (no serious or critical",
        "violation) at 390 and 1280 px.",
        "",
    ]
    for name, path in PUBLIC_PAGES + PRO_PAGES:
        lines += [f"## `{path}`", "", f"![{path}]({name}.png)", ""]
    (SHOTS / "README.md").write_text("\n".join(lines))
