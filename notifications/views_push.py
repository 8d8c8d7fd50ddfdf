"""Web push in the pro web UI: the devices page (this device on or off, the devices that
receive pushes, a test notification) and the JSON endpoints the page's script calls after the
browser subscribed (static/js/pwa.js). Thin: notifications.push does the work."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError

from . import push, tasks
from .vapid import vapid_keys


def push_panel_context(request) -> dict:
    """What a push panel's script needs: the key to subscribe with and where to post."""
    keys = vapid_keys()
    return {
        "push_key": keys.public_key if keys else "",
        "subscribe_url": reverse("notifications:push_subscribe"),
        "unsubscribe_url": reverse("notifications:push_unsubscribe"),
        "devices_url": reverse("notifications:devices"),
        "request": request,
    }


@login_required
def devices(request):
    return render(
        request,
        "notifications/devices.html",
        {**push_panel_context(request), "devices": list(push.devices_of(request.user))},
    )


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


@require_POST
@login_required
def push_subscribe(request):
    """Register this browser's subscription (PushSubscription.toJSON())."""
    body = _json_body(request)
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    try:
        device = push.push_subscription_save(
            user=request.user,
            endpoint=body.get("endpoint"),
            p256dh=keys.get("p256dh"),
            auth=keys.get("auth"),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as error:
        return JsonResponse(
            {"error": {"code": error.code, "message": str(error.message), "fields": error.fields}},
            status=error.status,
        )
    return JsonResponse({"id": device.pk, "label": device.label}, status=201)


@require_POST
@login_required
def push_unsubscribe(request):
    """This browser unsubscribed: forget its endpoint (only if it is this user's)."""
    endpoint = _json_body(request).get("endpoint")
    if isinstance(endpoint, str):
        push.push_subscription_delete(user=request.user, endpoint=endpoint)
    return HttpResponse(status=204)


@require_POST
@login_required
def device_remove(request, pk):
    if push.push_subscription_delete(user=request.user, pk=pk):
        messages.success(request, _("The device no longer receives notifications."))
    return redirect("notifications:devices")


@require_POST
@login_required
def push_test(request):
    """A test notification to each of the user's devices, from the notifications queue."""
    user_id = request.user.pk
    transaction.on_commit(lambda: _publish_test(user_id))
    messages.success(request, _("Test notification sent: it should appear within seconds."))
    return redirect("notifications:devices")


def _publish_test(user_id: int) -> None:
    try:
        tasks.send_test_push.delay(user_id)
    except Exception:  # broker down: send it from here
        tasks.send_test_push(user_id)
