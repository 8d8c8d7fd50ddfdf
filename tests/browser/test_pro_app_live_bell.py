"""The bell on the dashboard, driven by the live stream (static/js/live.js), under uvicorn:
while the stream is open the bell sends no polling request (its interval is set to a second
here) and is fetched when an event arrives; its count follows the bell's rule (a proposal
stops counting when it expires, with no event); when the stream is down, the bell polls."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from bookings import tasks
from bookings.models import BookingRequest, Proposal
from bookings.notifications import tell_pro_new_proposal
from bookings.rules import booking_deadline
from catalog.models import Service
from core import clock
from notifications.models import Notification
from tests.browser.conftest import PHONE_VIEWPORT
from tests.factories import booking_customer, days_ahead_at, dispatchable_pro
from tests.notifications.asgi_server import AsgiServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def asgi_page(browser, settings, monkeypatch):
    settings.LIVE_CHANNEL_PREFIX = f"test-live-{time.monotonic_ns()}"
    monkeypatch.setattr("notifications.views.BELL_POLL_SECONDS", 1)
    with AsgiServer() as server:
        context = browser.new_context(viewport=PHONE_VIEWPORT, locale="fr-FR", base_url=server.url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.bell_requests = []
        page.on(
            "request",
            lambda r: page.bell_requests.append(r.url) if "/notifications/bell" in r.url else None,
        )
        yield page
        context.close()


def _login(page, email):
    page.goto("/pro/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo1234")
    page.click("form.card button[type=submit]")
    expect(page).to_have_url("/pro/")


def _post_and_dispatch(service):
    customer, address = booking_customer()
    api = APIClient()
    api.force_authenticate(customer.user)
    answer = api.post(
        "/api/v1/booking-requests",
        {
            "service": service.pk,
            "address": address.pk,
            "start": days_ahead_at(2).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    tasks.dispatch_request(answer.json()["id"])
    return answer.json()["id"]


def test_with_the_stream_open_the_bell_does_not_poll_and_follows_events(asgi_page, monkeypatch):
    page = asgi_page
    monkeypatch.setattr("bookings.views.POLL_SECONDS", 3600)
    menage = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[menage])
    Notification.objects.filter(user=pro.user).update(read_at=clock.now())  # set-up news
    _login(page, pro.user.email)
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    # The stream's opening fetched the bell once: it now carries the 1 s polling interval.
    expect(page.locator("#bell[hx-trigger^='every 1s']")).to_have_count(1)
    page.wait_for_timeout(300)
    before = len(page.bell_requests)
    page.wait_for_timeout(3_000)
    assert len(page.bell_requests) == before  # three polling ticks, none sent
    expect(page.locator("#bell .bell-count")).to_have_count(0)

    _post_and_dispatch(menage)
    expect(page.locator("#bell .bell-count")).to_have_text("1", timeout=3_000)
    assert len(page.bell_requests) == before + 1  # one fetch, asked for by the event


def _open_proposal(pro, service, expires_in: timedelta) -> Proposal:
    customer, address = booking_customer()
    start = days_ahead_at(3)
    request = BookingRequest.objects.create(
        customer=customer,
        service=service,
        address=address,
        start=start,
        end=start + timedelta(minutes=service.duration_minutes),
        **service.price_snapshot(),
        booking_deadline=booking_deadline(start),
        status="dispatching",
    )
    now = clock.now()
    proposal = Proposal.objects.create(
        request=request, pro=pro, sent_at=now, expires_at=now + expires_in
    )
    tell_pro_new_proposal(proposal, request)
    return proposal


def test_the_bell_stops_counting_an_expired_proposal_without_polling(asgi_page):
    """The bell's rule (notifications.kinds): a proposal counts only while it can be answered;
    nothing is published when it expires, the page fetches the bell then."""
    page = asgi_page
    menage = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[menage])
    Notification.objects.filter(user=pro.user).update(read_at=clock.now())
    proposal = _open_proposal(pro, menage, timedelta(seconds=10))
    _login(page, pro.user.email)
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator(f"#proposal-{proposal.pk}-open")).to_be_visible()
    expect(page.locator("#bell .bell-count")).to_have_text("1")
    expect(page.locator("#bell .bell-count")).to_have_count(0, timeout=15_000)
    assert len(page.bell_requests) <= 3  # the stream's opening, the expiry: no polling


def test_when_the_stream_is_down_the_bell_polls(asgi_page, settings):
    page = asgi_page
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # the stream answers 503
    pro = dispatchable_pro(services=[Service.objects.get(slug="menage-2h")])
    _login(page, pro.user.email)
    expect(page.locator("body")).to_have_attribute("data-live", "off")
    # The page's first bell polls every 20 s: fetch it once to get the 1 s interval.
    page.evaluate("htmx.trigger(document.getElementById('bell'), 'live-refresh')")
    expect(page.locator("#bell[hx-trigger^='every 1s']")).to_have_count(1)
    before = len(page.bell_requests)
    page.wait_for_timeout(2_500)
    assert len(page.bell_requests) >= before + 2
