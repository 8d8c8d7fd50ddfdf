"""Every action on a proposal card that the server refuses shows its message on the card, with
the form still open where the pro was typing (the issue's "counter-offer errors are
invisible"): a counter time under two hours away, the unchanged time, an answer to a proposal
someone else took."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from bookings import services, tasks
from bookings.models import Proposal
from catalog.models import Service
from core import clock
from tests.factories import booking_customer, dispatchable_pro

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def open_card(page, login_as):
    menage = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[menage])
    customer, address = booking_customer()
    request = services.booking_request_create(
        customer=customer,
        service=menage,
        address=address,
        start=clock.to_paris(clock.now() + timedelta(days=3)).replace(
            hour=10, minute=0, second=0, microsecond=0
        ),
    )
    tasks.dispatch_request(request.pk)
    proposal = request.proposals.get(pro=pro)
    login_as(pro.user.email)
    page.goto("/pro/")
    card = page.locator(f"#proposal-{proposal.pk}-open")
    expect(card).to_be_visible()
    return card, proposal, request


def _counter(card, when):
    card.locator("summary").click()
    card.locator("input[name=start]").fill(clock.to_paris(when).strftime("%Y-%m-%dT%H:%M"))
    card.locator(".counter-form button[type=submit]").click()


@pytest.mark.parametrize("case", ["unchanged", "under_two_hours"])
def test_a_refused_counter_time_says_why_on_the_card(open_card, case, screenshot):
    card, proposal, request = open_card
    soon = clock.to_paris(clock.now() + timedelta(minutes=75))  # on the input's 15-minute step
    soon = soon.replace(minute=soon.minute - soon.minute % 15, second=0, microsecond=0)
    when = request.start if case == "unchanged" else soon
    _counter(card, when)
    error = card.locator(".card-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(card.locator("details.counter")).to_have_attribute("open", "")
    screenshot(f"pro-app-card-error-{case}")


def test_answering_a_proposal_someone_else_took_says_so_on_the_card(open_card, page):
    card, proposal, _request = open_card
    # Someone else got it meanwhile: the pro's accept is refused, the card says it is gone.
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.WITHDRAWN)
    card.locator(".btn-accept").click()
    gone = page.locator(f"#proposal-{proposal.pk}-gone")
    expect(gone).to_be_visible()
    expect(gone.locator(".card-error")).to_be_visible()
    expect(gone.locator(".gone-text")).to_be_visible()
