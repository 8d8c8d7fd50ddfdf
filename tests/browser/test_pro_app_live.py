"""The issue's "done when", in Chromium against the project under uvicorn (ASGI): a pro turns
on push notifications, a customer posts a request through the API, and within a second of the
dispatch step the local push service receives a proposal notification that decrypts with the
device's key, while the dashboard shows the card without polling (its poll is set to an hour:
only the live stream can have brought it). When the stream cannot connect, the page polls."""

import json
import time

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from bookings import tasks
from bookings.models import Proposal
from catalog.models import Service
from notifications.models import PushSubscription
from tests.browser.conftest import PHONE_VIEWPORT
from tests.browser.pro_app_helpers import FAKE_PUSH_MANAGER
from tests.factories import booking_customer, days_ahead_at, dispatchable_pro
from tests.notifications.asgi_server import AsgiServer
from tests.notifications.push_service import LocalPushService

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def asgi_page(browser, settings):
    """A phone-sized page on the project served by uvicorn (not the WSGI live_server)."""
    settings.LIVE_CHANNEL_PREFIX = f"test-live-{time.monotonic_ns()}"
    with AsgiServer() as server:
        context = browser.new_context(viewport=PHONE_VIEWPORT, locale="fr-FR", base_url=server.url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        yield page
        context.close()


@pytest.fixture
def push_service(settings):
    with LocalPushService() as service:
        settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = True
        settings.WEBPUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
        yield service


def _login(page, email):
    page.goto("/pro/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo1234")
    page.click("form.card button[type=submit]")
    expect(page).to_have_url("/pro/")


def test_subscribed_pro_gets_the_push_and_the_card_without_a_poll(
    asgi_page, push_service, monkeypatch
):
    page = asgi_page
    monkeypatch.setattr("bookings.views.POLL_SECONDS", 3600)
    menage = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[menage])
    phone = push_service.subscription()
    page.context.grant_permissions(["notifications"])
    page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(phone.as_json()))
    fragment_requests = []
    page.on(
        "request",
        lambda request: (
            fragment_requests.append(request.url) if "/pro/proposals" in request.url else None
        ),
    )

    _login(page, pro.user.email)
    page.locator("#app-card [data-push-action=subscribe]").click()
    expect(page.locator("#app-card [data-push-show=subscribed]")).to_be_visible()
    assert PushSubscription.objects.filter(user=pro.user).count() == 1
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator(".empty-proposals")).to_be_visible()
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.wait_for_timeout(300)
    before = len(fragment_requests)

    # The customer app posts a request; the worker runs the dispatch step.
    customer, address = booking_customer()
    api = APIClient()
    api.force_authenticate(customer.user)
    answer = api.post(
        "/api/v1/booking-requests",
        {
            "service": menage.pk,
            "address": address.pk,
            "start": days_ahead_at(2).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    request_id = answer.json()["id"]
    started = time.monotonic()
    tasks.dispatch_request(request_id)  # the step, then its commit sends the push

    [received] = push_service.wait_for(1)
    message = phone.decrypt(received)
    assert message["kind"] == "proposal_new"
    proposal_id = message["data"]["proposal"]
    # Within a second of the proposal being sent (its row's time, taken in the step).
    sent_at = Proposal.objects.get(pk=proposal_id).sent_at.timestamp()
    assert 0 <= received.received_wall - sent_at < 1.0
    assert message["data"]["request"] == request_id
    assert received.headers["urgency"] == "high"

    card = page.locator(f"#proposal-{proposal_id}-open")
    expect(card).to_be_visible(timeout=3_000)
    shown_after = time.monotonic() - started
    assert loads == []  # no reload
    # One fetch of the list, asked for by the stream; no polling tick went out.
    assert len(fragment_requests) == before + 1
    print(
        f"push {received.received_wall - sent_at:.3f}s after the proposal was sent, "
        f"card {shown_after:.3f}s after the dispatch step started"
    )


def test_when_the_stream_cannot_connect_the_dashboard_polls(asgi_page, monkeypatch, settings):
    page = asgi_page
    monkeypatch.setattr("bookings.views.POLL_SECONDS", 1)
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # the stream answers 503
    pro = dispatchable_pro(services=[Service.objects.get(slug="menage-2h")])
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/pro/proposals" in r.url else None)
    _login(page, pro.user.email)
    expect(page.locator("body")).to_have_attribute("data-live", "off")
    page.wait_for_timeout(2_500)
    assert len(polls) >= 2
