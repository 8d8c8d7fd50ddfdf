"""A closed account's saved cards are detached at the payment provider, so they can never be
charged again (the rows stay, without brand or digits, for the refunds and disputes of past
charges: privacy.erasure_fields).

The closure queues one `CardDetach` per card in its transaction and tries them on commit,
through the payment gateway port (payouts.gateway: `detach_payment_method`). The provider being
unavailable never blocks a closure: the failure is logged and stays queued, and the daily
retention job (privacy.retention) tries again until it goes through.
"""

import logging

from django.db import transaction
from django.db.models import QuerySet

from core import clock
from customers.models import PaymentMethod
from payouts.gateway import get_gateway

from .models import CardDetach

logger = logging.getLogger(__name__)


def card_detaches_queue(customer) -> list[int]:
    """Inside the closure's transaction: queue the customer's cards (not already queued) and
    try them once it commits. Returns the queued ids."""
    queued = []
    for method in PaymentMethod.objects.filter(customer=customer).order_by("pk"):
        detach, _created = CardDetach.objects.get_or_create(payment_method=method)
        if detach.done_at is None:
            queued.append(detach.pk)
    if queued:
        transaction.on_commit(lambda: card_detaches_run(queued))
    return queued


def card_detaches_pending() -> QuerySet[CardDetach]:
    return CardDetach.objects.filter(done_at__isnull=True).order_by("pk")


def card_detaches_run(ids) -> list[int]:
    """Detach the queued cards `ids` (those not done yet); returns the ones done now. One
    failure does not stop the others; each is recorded on its row."""
    done = []
    pending = card_detaches_pending().filter(pk__in=list(ids)).select_related("payment_method")
    for detach in pending:
        method = detach.payment_method
        try:
            get_gateway(method.gateway).detach_payment_method(
                payment_method_id=method.gateway_payment_method_id
            )
        except Exception as exc:  # the provider, the network, a bad configuration
            logger.exception("could not detach payment method %s at the provider", method.pk)
            CardDetach.objects.filter(pk=detach.pk).update(
                attempts=detach.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:200]
            )
            continue
        CardDetach.objects.filter(pk=detach.pk).update(
            attempts=detach.attempts + 1, last_error="", done_at=clock.now()
        )
        done.append(detach.pk)
    return done
