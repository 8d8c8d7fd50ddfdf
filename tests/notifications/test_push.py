"""Web push to a pro's devices, end to end against a local push service: a new proposal is
pushed on commit, encrypted for the device and signed with our VAPID key, with its answer time
as TTL and `Urgency: high`; "no longer available" replaces it; a device the push service no
longer knows is forgotten; nothing is pushed from a transaction that does not commit."""

import time
from datetime import datetime, timedelta
from datetime import time as dtime

import pytest
from django.db import transaction

from bookings import services, tasks
from catalog.models import Service
from core import clock, datefmt
from core.errors import InvalidInput
from notifications import push
from notifications import tasks as notification_tasks
from notifications.models import PushSubscription
from notifications.services import notify
from notifications.services import publish_pushes as real_publish_pushes  # before the seam
from tests.factories import ProFactory, booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db


def _in(days: int, hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), dtime(hour), tzinfo=clock.PARIS)


@pytest.fixture
def menage():
    return Service.objects.get(slug="menage-2h")


def _subscribe(user, browser) -> PushSubscription:
    keys = browser.as_json()["keys"]
    return push.push_subscription_save(
        user=user, endpoint=browser.endpoint, p256dh=keys["p256dh"], auth=keys["auth"]
    )


def test_a_new_proposal_is_pushed_encrypted_within_a_second(
    push_service, menage, django_capture_on_commit_callbacks
):
    pro = dispatchable_pro(services=[menage])
    pro.user.language = "en"
    pro.user.save(update_fields=["language"])
    phone = push_service.subscription()
    _subscribe(pro.user, phone)
    customer, address = booking_customer()

    with django_capture_on_commit_callbacks(execute=True):
        request = services.booking_request_create(
            customer=customer, service=menage, address=address, start=_in(3, 10)
        )
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        started = time.monotonic()
        tasks.dispatch_request(request.pk)  # the dispatch step: the proposal is sent
    stepped = time.monotonic()
    assert push_service.received == []  # nothing is pushed inside the step
    for callback in on_commit:  # the commit
        callback()

    [received] = push_service.wait_for(1)
    print(f"step {stepped - started:.3f}s, pushed {received.received_at - stepped:.3f}s later")
    assert received.received_at - stepped < 1.0
    proposal = request.proposals.get(pro=pro)
    message = phone.decrypt(received)
    # In the pro's language (English here), with the service, the day and the time.
    assert message["title"].startswith("New proposal: Home cleaning")
    assert message["title"].endswith(datefmt.short_when(request.start, "en"))
    assert message["title"].endswith(" 10:00")
    assert "Net amount for you" in message["body"]
    assert message["url"] == "/pro/"
    assert message["urgent"] is True
    assert message["tag"] == f"request-{request.pk}"
    assert message["data"] == {"proposal": proposal.pk, "request": request.pk}
    # Delivered with the answer time as TTL (never late) and high urgency.
    answer_seconds = (proposal.expires_at - clock.now()).total_seconds()
    assert answer_seconds - 5 <= int(received.headers["ttl"]) <= answer_seconds + 1
    assert received.headers["urgency"] == "high"
    assert received.claims["aud"] == push_service.origin
    from notifications.vapid import vapid_keys

    assert received.vapid_public_key == vapid_keys().public_key
    assert PushSubscription.objects.get().last_pushed_at is not None


def test_no_longer_available_replaces_the_proposal_on_the_lock_screen(
    push_service, menage, django_capture_on_commit_callbacks, time_machine
):
    # A weekday morning: three hours later both pros work (7:00-22:00); at 20:00 or later the
    # session would end after their hours and nobody would be asked.
    time_machine.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=clock.PARIS), tick=True)
    first, second = dispatchable_pro(services=[menage]), dispatchable_pro(services=[menage])
    phone = push_service.subscription()
    _subscribe(second.user, phone)
    customer, address = booking_customer()
    with django_capture_on_commit_callbacks(execute=True):
        # Three hours ahead: both pros are asked at once.
        request = services.booking_request_create(
            customer=customer,
            service=menage,
            address=address,
            start=clock.now() + timedelta(hours=3),
        )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_request(request.pk)
    push_service.wait_for(1)

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_accept(proposal=request.proposals.get(pro=first), pro=first)

    proposal_push, gone_push = push_service.wait_for(2)
    gone = phone.decrypt(gone_push)
    assert gone["kind"] == "proposal_taken"
    assert gone["tag"] == phone.decrypt(proposal_push)["tag"] == f"request-{request.pk}"
    assert gone_push.headers["urgency"] == "normal"


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_forgotten(
    push_service, status, django_capture_on_commit_callbacks
):
    pro = ProFactory()
    gone, kept = push_service.subscription(), push_service.subscription()
    _subscribe(pro.user, gone)
    _subscribe(pro.user, kept)
    push_service.statuses[gone.endpoint.removeprefix(push_service.origin)] = status

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=pro.user, kind="test_text", params={"title": "Hello"})

    assert [device.endpoint for device in PushSubscription.objects.all()] == [kept.endpoint]
    assert len(push_service.wait_for(1)) == 1


def test_nothing_is_pushed_before_commit_nor_from_a_rolled_back_transaction(
    push_service, django_capture_on_commit_callbacks
):
    pro = ProFactory()
    _subscribe(pro.user, push_service.subscription())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(user=pro.user, kind="test_text", params={"title": "Hello"})
    assert push_service.received == [] and len(callbacks) >= 1

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(user=pro.user, kind="test_text", params={"title": "Rolled back"})
                raise RuntimeError
        except RuntimeError:
            pass
    time.sleep(0.2)
    assert push_service.received == []


def test_an_expired_message_is_never_delivered(push_service, django_capture_on_commit_callbacks):
    pro = ProFactory()
    _subscribe(pro.user, push_service.subscription())
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=pro.user,
            kind="test_text",
            params={"title": "Too late"},
            expires_at=clock.now() - timedelta(1),
        )
    time.sleep(0.2)
    assert push_service.received == []


def test_pushes_go_to_the_notifications_queue_only_for_users_with_a_device(
    monkeypatch, push_service
):
    queued = []
    monkeypatch.setattr(
        notification_tasks.send_notification_pushes, "delay", lambda ids: queued.append(ids)
    )
    pro, other = ProFactory(), ProFactory()
    _subscribe(pro.user, push_service.subscription())
    # The production publisher (tests/conftest.py sends in-process instead).
    real_publish_pushes([1, 2], {other.user_id})
    assert queued == []
    real_publish_pushes([3], {other.user_id, pro.user_id})
    assert queued == [[3]]


def test_the_push_task_is_routed_to_the_notifications_queue(settings):
    from celery import current_app

    route = current_app.amqp.router.route({}, "notifications.tasks.send_notification_pushes")
    assert route["queue"].name == settings.CELERY_NOTIFICATIONS_QUEUE


# --- subscriptions ------------------------------------------------------------------------------


def test_a_device_is_registered_once_and_moves_to_whoever_subscribes_it_last(push_service):
    first, second = ProFactory(), ProFactory()
    phone = push_service.subscription()
    _subscribe(first.user, phone)
    _subscribe(first.user, phone)
    assert PushSubscription.objects.filter(user=first.user).count() == 1
    _subscribe(second.user, phone)
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [second.user_id]


def test_a_user_keeps_at_most_the_newest_devices(push_service, settings):
    settings.WEBPUSH_MAX_DEVICES = 2
    pro = ProFactory()
    phones = [push_service.subscription() for _ in range(3)]
    for phone in phones:
        _subscribe(pro.user, phone)
    kept = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert kept == {phones[1].endpoint, phones[2].endpoint}


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example/push/1",
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://fcm.googleapis.com.evil.example/x",
        "https://127.0.0.1:6379/",
        "javascript:alert(1)",
    ],
)
def test_only_known_push_services_over_https_are_accepted(endpoint, push_service, settings):
    settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = False
    settings.WEBPUSH_ENDPOINT_HOSTS = ["fcm.googleapis.com", ".push.services.mozilla.com"]
    keys = push_service.subscription().as_json()["keys"]
    with pytest.raises(InvalidInput) as refused:
        push.push_subscription_save(
            user=ProFactory().user, endpoint=endpoint, p256dh=keys["p256dh"], auth=keys["auth"]
        )
    assert "endpoint" in refused.value.fields
    push.push_subscription_save(
        user=ProFactory().user,
        endpoint="https://updates.push.services.mozilla.com/wpush/v2/abc",
        p256dh=keys["p256dh"],
        auth=keys["auth"],
    )


@pytest.mark.parametrize(
    "p256dh, auth, field",
    [
        ("AAAA", None, "p256dh"),
        ("B" + "A" * 86, None, "p256dh"),  # 65 bytes, not a point on the curve
        (None, "c2hvcnQ", "auth"),
        (None, "!!!", "auth"),
    ],
)
def test_keys_must_be_a_p256_point_and_a_16_byte_secret(push_service, p256dh, auth, field):
    keys = push_service.subscription().as_json()["keys"]
    with pytest.raises(InvalidInput) as refused:
        push.push_subscription_save(
            user=ProFactory().user,
            endpoint=push_service.subscription().endpoint,
            p256dh=p256dh or keys["p256dh"],
            auth=auth or keys["auth"],
        )
    assert field in refused.value.fields
