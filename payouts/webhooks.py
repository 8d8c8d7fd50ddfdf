"""`POST /webhooks/stripe`: verify the signature (STRIPE_WEBHOOK_SECRET), store the event
once, answer fast; a task processes it. A forged or stale event is refused (400) and nothing
is stored; a replay is answered 200 and changes nothing. Exempt from CSRF (the signature is
the authentication); receives both platform and Connect events."""

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services, tasks
from .gateway import InvalidWebhook, verify_webhook

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request):
    if len(request.body) > MAX_BODY_BYTES:
        return HttpResponseBadRequest("too large")
    try:
        event = verify_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except InvalidWebhook as exc:
        logger.warning("refused a stripe webhook: %s", exc)
        return HttpResponseBadRequest("invalid signature")
    _row, created = services.webhook_receive(event=event, enqueue=tasks.enqueue_webhook_processing)
    return HttpResponse("ok" if created else "already received", content_type="text/plain")
