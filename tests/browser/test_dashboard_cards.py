"""The dashboard on a phone (390 px): a proposal card is compact (two fit on one screen, the
details and "propose another time" open on tap), and a card the pro answered shows its "done"
state for a few seconds, then leaves the list by itself."""

import re
import time as wall
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bookings import services, tasks
from bookings.models import Booking, Proposal
from catalog.models import Service
from core import clock, datefmt
from tests.browser.conftest import PHONE_VIEWPORT, SCREENSHOTS
from tests.factories import booking_customer, dispatchable_pro

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TABBAR = 64  # --tabbar-h: the fixed bottom bar hides this much of the screen
LONG_NOTES = (
    "Grand appartement au 3e étage sans ascenseur, merci d'apporter des chiffons microfibre. "
    "Le chat est gentil mais ne doit pas sortir. Priorité à la cuisine et à la salle de bains, "
    "puis les vitres du salon si le temps le permet."
)


def _paris(days: int, hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, 0), tzinfo=clock.PARIS)


def _proposal(customer, address, service, start, notes="") -> Proposal:
    request = services.booking_request_create(
        customer=customer, service=service, address=address, start=start, notes=notes
    )
    tasks.dispatch_request(request.pk)
    return request.proposals.get()


@pytest.fixture
def three_proposals(page, login_as):
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    proposals = [
        _proposal(customer, address, service, _paris(3, 10), notes=LONG_NOTES),
        _proposal(customer, address, service, _paris(4, 14), notes="Digicode au portail."),
        _proposal(customer, address, service, _paris(5, 9)),
    ]
    login_as(pro.user.email)
    page.goto("/pro/")
    return pro, proposals


def _card(page, proposal, state="open"):
    return page.locator(f"#proposal-{proposal.pk}-{state}")


def test_two_proposal_cards_fit_on_a_phone_screen(page, three_proposals, screenshot):
    _pro, proposals = three_proposals
    first, second = _card(page, proposals[0]), _card(page, proposals[1])
    expect(first).to_be_visible()
    expect(second).to_be_visible()
    header = page.locator("header.topbar").bounding_box()["height"]  # sticky
    page.evaluate(
        f"window.scrollTo(0, document.getElementById('proposal-list').offsetTop - {header + 8})"
    )
    top = first.bounding_box()["y"]
    bottom = second.bounding_box()["y"] + second.bounding_box()["height"]
    assert bottom - top <= PHONE_VIEWPORT["height"] - TABBAR - header, (top, bottom)
    # Both cards lie inside the screen at once: their accept buttons are there to tap.
    assert second.locator(".btn-accept").bounding_box()["y"] + 48 <= PHONE_VIEWPORT["height"]
    # The card says what decides: service, net amount, when, where roughly, time left.
    expect(first.locator(".proposal-when")).to_have_text(
        f"{datefmt.short_day(proposals[0].request.start, 'fr')} · 10:00"
    )
    expect(first.locator(".proposal-where")).to_have_text("75001 Paris")
    expect(first.locator(".countdown-value")).to_have_text(re.compile(r"^\d"))
    # Long notes are cut to two lines on the card; all of it is in the details.
    notes = first.locator(".notes-preview")
    assert notes.bounding_box()["height"] < 3 * 20
    details = first.locator(".proposal-details")
    expect(details).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-cards-01-compact-screen.png"))  # one screen

    first.locator("summary").click()
    expect(details).to_be_visible()
    expect(details).to_contain_text("chat est gentil")
    expect(details).to_contain_text("2 h")
    expect(first.locator("input[type=datetime-local]")).to_be_visible()
    screenshot("dashboard-cards-02-details")
    first.locator("summary").click()
    expect(details).to_be_hidden()


def test_an_answered_card_leaves_the_list_by_itself(page, three_proposals, screenshot):
    _pro, proposals = three_proposals
    refused_first, accepted_then, last = proposals
    expect(_card(page, refused_first)).to_be_visible()

    # Refuse: the card says so ("done"), stays a moment, then leaves by itself.
    _card(page, refused_first).locator(".btn-refuse").click()
    done = _card(page, refused_first, "refused")
    expect(done).to_be_visible()
    answered_at = wall.monotonic()
    expect(done).to_contain_text("Vous avez refusé cette proposition")
    screenshot("dashboard-cards-03-refused-done")
    expect(done).to_have_count(0, timeout=10_000)
    stayed = wall.monotonic() - answered_at
    assert 2 <= stayed <= 9, stayed  # a few seconds: readable, then out of the way
    expect(_card(page, accepted_then)).to_be_visible()

    # Accept: the same, and the booking exists.
    _card(page, accepted_then).locator(".btn-accept").click()
    accepted = _card(page, accepted_then, "accepted")
    expect(accepted).to_be_visible()
    assert Booking.objects.filter(request=accepted_then.request).exists()
    expect(accepted).to_have_count(0, timeout=10_000)

    # A card that was not answered (taken meanwhile) stays until the pro hides it.
    Proposal.objects.filter(pk=last.pk).update(status=Proposal.Status.WITHDRAWN)
    _card(page, last).locator(".btn-accept").click()
    gone = _card(page, last, "gone")
    expect(gone).to_be_visible()
    page.wait_for_timeout(5_000)
    expect(gone).to_be_visible()
    gone.locator(".dismiss").click()
    expect(gone).to_have_count(0)
    expect(page.locator(".all-answered")).to_be_visible()
    screenshot("dashboard-cards-04-all-answered")

    # Nothing answered comes back with the next refresh or a reload.
    page.reload()
    expect(page.locator(".proposal")).to_have_count(0)
    expect(page.locator(".empty-proposals")).to_be_visible()


def test_an_accepted_session_shows_under_next_sessions_without_reload(
    page, three_proposals, screenshot
):
    """QA h15: the block needed a reload; the accept answer's HX-Trigger refreshes it."""
    _pro, proposals = three_proposals
    block = page.locator("#next-sessions")
    expect(block.locator(".session-row")).to_have_count(0)
    _card(page, proposals[1]).locator(".btn-accept").click()
    expect(_card(page, proposals[1], "accepted")).to_be_visible()
    booking = Booking.objects.get(request=proposals[1].request)
    expect(block.locator(f'a[href="/pro/bookings/{booking.pk}"]')).to_be_visible(timeout=5_000)
    expect(block.locator(".session-row")).to_have_count(1)
    block.scroll_into_view_if_needed()
    screenshot("dashboard-cards-05-next-session-live")
