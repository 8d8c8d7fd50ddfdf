"""A pro turns on notifications from the dashboard (the browser's permission prompt, then the
subscription the page registers), sees the device on the devices page, sends a test, and gets
a new proposal pushed: the local push service receives it encrypted for that device.

Chromium cannot reach a real push service here, so the test plays the browser's push
service: PushManager.subscribe answers with a subscription whose keys the test made and whose
endpoint is the local push service (tests/notifications/push_service.py)."""

import base64
import json

import pytest
from playwright.sync_api import expect

from bookings import services, tasks
from catalog.models import Service
from notifications.models import PushSubscription
from notifications.vapid import vapid_keys
from tests.browser.pro_app_helpers import FAKE_PUSH_MANAGER
from tests.factories import booking_customer, days_ahead_at, dispatchable_pro
from tests.notifications.push_service import LocalPushService

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def push_service(settings, monkeypatch):
    from notifications import tasks as notification_tasks

    # The test notification is sent in-process (no test message reaches a broker).
    monkeypatch.setattr("notifications.views_push._publish_test", notification_tasks.send_test_push)
    with LocalPushService() as service:
        settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = True
        settings.WEBPUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
        yield service


@pytest.fixture
def phone(page, push_service):
    """The page's browser, subscribing through the local push service."""
    browser_subscription = push_service.subscription()
    page.context.grant_permissions(["notifications"])
    page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(browser_subscription.as_json()))
    return browser_subscription


def test_a_pro_turns_on_notifications_and_receives_a_proposal(
    page, login_as, phone, push_service, screenshot
):
    menage = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[menage])
    login_as(pro.user.email)
    page.goto("/pro/")
    card = page.locator("#app-card")
    expect(card).to_be_visible()
    screenshot("pro-app-card")
    card.get_by_role("button", name="Turn on notifications").or_(
        card.locator("[data-push-action=subscribe]")
    ).first.click()
    expect(card.locator("[data-push-show=subscribed]")).to_be_visible()

    device = PushSubscription.objects.get(user=pro.user)
    assert device.endpoint == phone.endpoint and device.p256dh == phone.p256dh
    assert "Chrom" in device.label
    # The browser subscribed with our VAPID public key.
    key = page.evaluate("window.localStorage.getItem('test-push-key')")
    assert base64.b64decode(key) == base64.urlsafe_b64decode(vapid_keys().public_key + "=")

    # The devices page lists it; a test notification reaches it.
    page.goto("/pro/notifications/devices")
    expect(page.locator(".devices .device")).to_have_count(1)
    page.click("#push-test")
    [test_push] = push_service.wait_for(1)
    assert phone.decrypt(test_push)["kind"] == "push_test"
    screenshot("pro-app-devices")

    # A customer books: the proposal is pushed to the phone.
    customer, address = booking_customer()
    request = services.booking_request_create(
        customer=customer, service=menage, address=address, start=days_ahead_at(2)
    )
    tasks.dispatch_request(request.pk)
    pushes = push_service.wait_for(2)
    message = phone.decrypt(pushes[1])
    assert message["kind"] == "proposal_new"
    assert message["data"]["proposal"] == request.proposals.get(pro=pro).pk

    # Off again from the devices page: the device is forgotten.
    page.goto("/pro/notifications/devices")
    page.locator("#this-device [data-push-action=unsubscribe]").click()
    expect(page.locator(".devices .device")).to_have_count(0)
    assert not PushSubscription.objects.exists()
