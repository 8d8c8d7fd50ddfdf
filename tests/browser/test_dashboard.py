"""A pro on their phone: a proposal appears on the dashboard without reloading, they accept
it and find it in their agenda; a withdrawn one turns "no longer available"; a new session
for a past customer; notifications. Screenshots of every page go to test-artifacts/."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookings import services, tasks
from bookings.models import Booking, BookingRequest
from catalog.models import Service
from core import clock
from tests.factories import booking_customer, booking_row, dispatchable_pro

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POLL_WAIT = 15_000  # the dashboard polls every 5 s


def _paris(days: int, hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, 0), tzinfo=clock.PARIS)


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _request(customer, address, service, start, notes=""):
    """What the customer app does (POST /api/v1/booking-requests), then the engine's first
    step (what the wake-up task runs on commit)."""
    request = services.booking_request_create(
        customer=customer, service=service, address=address, start=start, notes=notes
    )
    tasks.dispatch_request(request.pk)
    return request


def test_proposal_appears_without_reloading_and_is_accepted(page, login_as, screenshot):
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    customer.user.first_name = "Camille"
    customer.user.save(update_fields=["first_name"])
    # A session done last month: the pro may set up new sessions for this customer.
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=_paris(-30, 10),
        status="completed",
    )

    login_as(pro.user.email)
    page.goto("/pro/")
    page.click(".lang-switch button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".empty-proposals")).to_be_visible()
    loads = []
    page.on("load", lambda _page: loads.append(1))

    # The customer books: the proposal shows up by itself.
    request = _request(
        customer, address, service, _paris(3, 10), notes="Digicode 4521, 2nd floor left."
    )
    proposal = request.proposals.get(pro=pro)
    card = page.locator(f"#proposal-{proposal.pk}-open")
    expect(card).to_be_visible(timeout=POLL_WAIT)
    assert loads == []  # no reload
    expect(card.locator(".proposal-where")).to_have_text("75001 Paris")
    expect(card).not_to_contain_text(address.street)
    expect(card).to_contain_text("Digicode 4521")
    expect(card.locator(".countdown-value")).to_have_text(re.compile(r"^(59|60):\d\d$"))
    expect(page.locator("#bell .bell-count")).to_be_visible(timeout=POLL_WAIT + 10_000)
    _no_horizontal_scroll(page)
    card.locator("summary").click()  # "Propose another time" opens its small form
    expect(card.locator("input[type=datetime-local]")).to_be_visible()
    screenshot("bookings-01-dashboard-proposal")
    card.locator("summary").click()

    # Accept: the card swaps in place, the booking exists.
    card.locator(".btn-accept").click()
    accepted = page.locator(f"#proposal-{proposal.pk}-accepted")
    expect(accepted).to_be_visible()
    booking = Booking.objects.get(request=request)
    assert booking.pro == pro
    screenshot("bookings-02-dashboard-accepted")

    # A second request is withdrawn while on screen: "no longer available".
    second = _request(customer, address, service, _paris(4, 15))
    second_proposal = second.proposals.get(pro=pro)
    expect(page.locator(f"#proposal-{second_proposal.pk}-open")).to_be_visible(timeout=POLL_WAIT)
    services.booking_request_cancel(request=second, by=customer.user, reason="changed my mind")
    gone = page.locator(f"#proposal-{second_proposal.pk}-gone")
    expect(gone).to_be_visible(timeout=POLL_WAIT)
    expect(gone).to_contain_text("No longer available")
    expect(accepted).to_have_count(0)  # answered: it left the list by itself
    screenshot("bookings-03-dashboard-gone")

    # Agenda: the accepted session under its Paris day.
    page.click("nav.tabbar >> text=Agenda")
    expect(page).to_have_url(re.compile(r"/pro/agenda$"))
    row = page.locator(f"a[href='/pro/bookings/{booking.pk}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("10:00")
    _no_horizontal_scroll(page)
    screenshot("bookings-04-agenda")

    # Booking page: the exact address now.
    row.click()
    expect(page.locator(".booking-address")).to_contain_text(address.street)
    expect(page.locator(".booking-customer")).to_have_text("Camille")
    _no_horizontal_scroll(page)
    screenshot("bookings-05-booking")

    # A new session for this customer: it waits for their confirmation.
    page.goto("/pro/sessions/new")
    page.select_option("select[name=customer]", str(customer.pk))
    page.select_option("select[name=service]", str(service.pk))
    page.fill("input[name=start]", _paris(6, 15).strftime("%Y-%m-%dT%H:%M"))
    page.fill("textarea[name=notes]", "Same as last time?")
    _no_horizontal_scroll(page)
    screenshot("bookings-06-session-new")
    page.click("form.session-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/pro/agenda$"))
    expect(page.locator(".message-success")).to_contain_text("Session proposed")
    expect(page.locator(".awaiting")).to_contain_text("Camille")
    created = BookingRequest.objects.get(origin="pro")
    assert created.status == "awaiting_customer" and created.start == _paris(6, 15)
    screenshot("bookings-07-agenda-awaiting")

    # Notifications: the bell leads to the list; opening one marks it read.
    page.click("#bell")
    expect(page).to_have_url(re.compile(r"/pro/notifications$"))
    expect(page.locator(".notification.is-unread").first).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot("bookings-08-notifications")
    page.click("form.read-all button")
    expect(page.locator(".notification.is-unread")).to_have_count(0)
    expect(page.locator("#bell .bell-count")).to_have_count(0)
