"""Web push: a user's devices (subscriptions) and what is pushed to them.

Every in-app notification is also pushed to its user's subscribed devices, from the
`notifications` queue after the transaction commits (`services.publish_pushes`), never inside
a transition or a dispatch step. Each push is encrypted for the device (aes128gcm) and signed
with our VAPID key (pywebpush); a notification with an expiry (a proposal's answer time) is
pushed with that much TTL and never after it; urgent ones with `Urgency: high`. A device the
push service no longer knows (404/410) is deleted.
"""

import json
import logging
from collections import defaultdict
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from core.errors import InvalidInput
from core.i18n import language_of

from .models import Notification, PushSubscription
from .vapid import b64url_decode, vapid_keys

logger = logging.getLogger(__name__)

GONE_STATUSES = {404, 410}


# --- subscriptions -----------------------------------------------------------------------------


def _endpoint_allowed(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS:
        return False
    for allowed in settings.WEBPUSH_ENDPOINT_HOSTS:
        allowed = allowed.lower()
        if host == allowed.lstrip(".") or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def _check_key(value, length: int, field: str) -> str:
    try:
        raw = b64url_decode(str(value))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != length:
        raise InvalidInput(fields={field: [_("Not a valid key.")]})
    return str(value)


def push_subscription_save(
    *, user, endpoint, p256dh, auth, user_agent: str = ""
) -> PushSubscription:
    """Register (or refresh) this device for the user. An endpoint is one browser profile: if
    it was someone else's (a shared phone), it is theirs no more. Beyond WEBPUSH_MAX_DEVICES,
    the user's oldest devices are dropped."""
    endpoint = str(endpoint or "")
    if len(endpoint) > 1000 or not _endpoint_allowed(endpoint):
        raise InvalidInput(fields={"endpoint": [_("This push service is not supported.")]})
    p256dh = _check_key(p256dh, 65, "p256dh")
    try:  # a point on the curve, or every push to it would fail
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
    except ValueError as error:
        raise InvalidInput(fields={"p256dh": [_("Not a valid key.")]}) from error
    auth = _check_key(auth, 16, "auth")
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": str(user_agent)[:300],
                "created_at": timezone.now(),
            },
        )
        keep = PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
        extra = list(keep.values_list("pk", flat=True)[settings.WEBPUSH_MAX_DEVICES :])
        if extra:
            PushSubscription.objects.filter(pk__in=extra).delete()
    return subscription


def push_subscription_delete(*, user, endpoint: str | None = None, pk: int | None = None) -> int:
    """Forget one of the user's devices (by its endpoint or id). Returns how many were removed."""
    queryset = PushSubscription.objects.filter(user=user)
    if endpoint is not None:
        queryset = queryset.filter(endpoint=endpoint)
    elif pk is not None:
        queryset = queryset.filter(pk=pk)
    else:
        return 0
    deleted, _by_model = queryset.delete()
    return deleted


def devices_of(user):
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")


def users_with_devices(user_ids) -> bool:
    """Does any of these users have a device? (one indexed query; no push task otherwise)"""
    return PushSubscription.objects.filter(user_id__in=set(user_ids)).exists()


# --- sending -----------------------------------------------------------------------------------


def payload_of(notification: Notification) -> dict:
    """What the service worker shows: the notification's text rendered now in its user's
    current language, where a tap leads, and a tag so a later message about the same
    request replaces the earlier one on the lock screen."""
    request_id = (notification.data or {}).get("request")
    title, body = notification.rendered_for_reader()
    return {
        "title": title,
        "body": body,
        "url": notification.url or "/pro/",
        "kind": notification.kind,
        "tag": f"request-{request_id}" if request_id else f"notification-{notification.pk}",
        "urgent": notification.urgent,
        "sent_at": notification.created_at.isoformat(),
        "data": notification.data or {},
    }


def send_notification_pushes(notification_ids) -> int:
    """Push these notifications to their users' devices. Returns how many pushes a push
    service accepted; failures are logged and never stop the others."""
    notifications = list(
        Notification.objects.filter(pk__in=list(notification_ids)).select_related("user")
    )
    if not notifications:
        return 0
    devices = defaultdict(list)
    for device in PushSubscription.objects.filter(
        user_id__in={notification.user_id for notification in notifications}
    ):
        devices[device.user_id].append(device)
    now = timezone.now()
    sent = 0
    with requests.Session() as session:
        for notification in notifications:
            ttl = _ttl_seconds(notification, now)
            if ttl <= 0:
                continue  # an expired proposal is never delivered late
            payload = json.dumps(payload_of(notification), ensure_ascii=False)
            for device in devices.get(notification.user_id, []):
                sent += _push(device, payload, ttl=ttl, urgent=notification.urgent, session=session)
    return sent


def send_test_push(user) -> int:
    """A test message to each of the user's devices (from the devices page)."""
    with translation.override(language_of(user)):
        payload = {
            "title": _("Test notification"),
            "body": _("Notifications work on this device."),
            "url": "/pro/",
            "kind": "push_test",
            "tag": "push-test",
        }
    sent = 0
    with requests.Session() as session:
        for device in devices_of(user):
            sent += _push(
                device,
                json.dumps(payload, ensure_ascii=False),
                ttl=int(settings.WEBPUSH_TTL.total_seconds()),
                urgent=False,
                session=session,
            )
    return sent


def _ttl_seconds(notification: Notification, now) -> int:
    if notification.expires_at is not None:
        return int((notification.expires_at - now).total_seconds())
    return int(settings.WEBPUSH_TTL.total_seconds())


def _push(device: PushSubscription, payload: str, *, ttl: int, urgent: bool, session) -> int:
    keys = vapid_keys()
    if keys is None:
        return 0
    try:
        webpush(
            subscription_info={
                "endpoint": device.endpoint,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=payload,
            vapid_private_key=keys.private_key,
            # A fresh dict each time: pywebpush writes the endpoint's origin (`aud`) into it.
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            ttl=ttl,
            headers={"Urgency": "high" if urgent else "normal"},
            timeout=settings.WEBPUSH_TIMEOUT_SECONDS,
            requests_session=session,
        )
    except WebPushException as error:
        if error.status_code in GONE_STATUSES:
            PushSubscription.objects.filter(pk=device.pk).delete()
            logger.info("push subscription %s is gone (%s): deleted", device.pk, error.status_code)
        else:
            logger.warning("push to subscription %s failed: %s", device.pk, error.status_code)
        return 0
    except requests.RequestException as error:
        logger.warning("push to subscription %s failed: %s", device.pk, error.__class__.__name__)
        return 0
    PushSubscription.objects.filter(pk=device.pk).update(last_pushed_at=timezone.now())
    return 1
