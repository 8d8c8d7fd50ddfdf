"""A cleaning pro on their phone (390 px): the arrival card on the home page from 30 minutes
before, "I am late" and "I have arrived", the declaration menu of the booking page, the "to
declare" list, closing a session as done, a changed time and a force-majeure cancellation.
Screenshots go to test-artifacts/screenshots/checkin-*.png."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from catalog.models import Service
from checkin import services as checkin_services
from checkin.models import BillableItem, SessionRecord
from core import clock
from tests.factories import booking_customer, booking_row, dispatchable_pro

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _paris(days: int, hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, 0), tzinfo=clock.PARIS)


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _session(pro, customer, address, service, start):
    booking = booking_row(pro=pro, customer=customer, address=address, service=service, start=start)
    checkin_services.session_record_open(booking=booking)
    return booking


def test_a_pro_checks_in_declares_and_closes_sessions_on_a_phone(page, login_as, screenshot):
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    customer.user.first_name = "Camille"
    customer.user.save(update_fields=["first_name"])
    now = clock.now()
    soon = _session(
        pro,
        customer,
        address,
        service,
        (now + timedelta(minutes=20)).replace(second=0, microsecond=0),
    )
    yesterday = _session(pro, customer, address, service, _paris(-1, 7))
    later = _session(pro, customer, address, service, _paris(3, 14))
    page.on("dialog", lambda dialog: dialog.accept())

    login_as(pro.user.email)
    page.goto("/pro/")
    page.click(".lang-switch button[value=en]")
    card = page.locator(f"#arrival-{soon.pk}")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Camille")
    expect(page.locator(".to-declare-link")).to_contain_text("2 sessions to declare")
    _no_horizontal_scroll(page)
    screenshot("checkin-01-home-arrival-card")

    # "I am late" from the booking page: a small form with the delay.
    card.locator(".link-tap").click()
    expect(page).to_have_url(re.compile(rf"/pro/bookings/{soon.pk}$"))
    panel = page.locator("#session-panel")
    expect(panel.locator(".declare-arrival")).to_be_visible()
    expect(panel.locator(".declare-no_show")).to_have_count(0)  # from 30 min after the start
    panel.locator("summary.declare-late").click()
    panel.locator("select[name=minutes]").select_option("10")
    _no_horizontal_scroll(page)
    screenshot("checkin-02-booking-menu-late")
    panel.locator(".declare-late-form button[type=submit]").click()
    expect(panel).to_contain_text("Expected arrival")
    record = SessionRecord.objects.get(booking=soon)
    assert record.late_minutes == 10

    # Back home: "I have arrived" swaps the card in place.
    page.goto("/pro/")
    page.locator(f"#arrival-{soon.pk} .btn-arrive").click()
    expect(page.locator(f"#arrival-{soon.pk}.is-arrived")).to_contain_text("Arrived at")
    screenshot("checkin-03-home-arrived")
    record.refresh_from_db()
    assert record.arrived_at is not None

    # The "to declare" list, then yesterday's session closed as done.
    page.locator(".to-declare-link").click()
    expect(page).to_have_url(re.compile(r"/pro/to-declare$"))
    rows = page.locator(".to-declare li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("5 days left")
    _no_horizontal_scroll(page)
    screenshot("checkin-04-to-declare")
    rows.first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/pro/bookings/{yesterday.pk}$"))
    page.locator("#session-panel .declare-done").click()
    expect(page.locator("#session-panel .badge-outcome-done")).to_be_visible()
    expect(page.locator("#session-panel .billable-session")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot("checkin-05-done")
    assert BillableItem.objects.filter(booking=yesterday, kind="session").exists()

    # A session in three days: moved by agreement, then cancelled (force majeure).
    page.goto(f"/pro/bookings/{later.pk}")
    panel = page.locator("#session-panel")
    expect(panel.locator(".declare-arrival")).to_have_count(0)
    expect(panel).to_contain_text("Check-in opens on")
    panel.locator("summary.declare-changed").click()
    panel.locator("input[name=start]").fill(_paris(3, 15).strftime("%Y-%m-%dT%H:%M"))
    panel.locator("input[name=end]").fill(_paris(3, 18).strftime("%Y-%m-%dT%H:%M"))
    _no_horizontal_scroll(page)
    screenshot("checkin-06-changed-form")
    panel.locator(".declare-changed-form button[type=submit]").click()
    expect(panel.locator(".timeline-session_changed")).to_be_visible()
    later.refresh_from_db()
    assert later.start == _paris(3, 15) and later.end == _paris(3, 18)
    assert later.price_cents == 7776  # 3 h of hourly cleaning: 72 € + 8 %

    panel.locator("summary.declare-pro_cancels").click()
    panel.locator("input[name=reason]").fill("Sick child")
    screenshot("checkin-07-pro-cancel-form")
    panel.locator(".declare-cancel-form button[type=submit]").click()
    expect(panel.locator(".badge-outcome-cancelled_by_pro")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot("checkin-08-pro-cancelled")
