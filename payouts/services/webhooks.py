"""Stripe webhooks: store each verified event once by its id, process it in a task that
re-reads the object through the gateway (the payload is only a trigger).

Handled: payment_intent.succeeded / payment_failed (a customer confirmed a payment, or it
failed), charge.refunded and charge.dispute.* (support sees them on the charge),
payout.paid / payout.failed (Connect events, `account` set), transfer.reversed, and
account.updated. Other types are stored and marked ignored.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F

from core import clock
from core.audit import audit

from ..gateway import GatewayUnavailable, WebhookEventData, get_gateway
from ..models import Charge, Payout, PayoutAccount, WebhookEvent
from .charges import charge_mark_paid, charge_record_refund_or_dispute
from .sending import payout_record_bank_outcome

logger = logging.getLogger(__name__)


def webhook_receive(*, event: WebhookEventData, enqueue=None) -> tuple[WebhookEvent, bool]:
    """Store a verified event once; (row, created). A replay changes nothing. `enqueue(id)`
    is called after commit for a new event (the processing task)."""
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                event_id=event.event_id,
                type=event.type,
                account=event.account,
                object_id=event.object_id,
                livemode=event.livemode,
                payload=event.payload,
            )
            if enqueue is not None:
                transaction.on_commit(lambda: enqueue(row.pk))
    except IntegrityError:
        return WebhookEvent.objects.get(event_id=event.event_id), False
    return row, True


def _payment_id(event: WebhookEvent) -> str:
    """The PaymentIntent an event is about (a charge or dispute names it)."""
    obj = (event.payload.get("data") or {}).get("object") or {}
    if event.type.startswith("payment_intent."):
        return event.object_id
    payment = obj.get("payment_intent")
    return str(payment.get("id") if isinstance(payment, dict) else payment or "")


def _on_payment(event: WebhookEvent, gateway) -> str:
    payment_id = _payment_id(event)
    charge = Charge.objects.filter(gateway_payment_id=payment_id).first() if payment_id else None
    if charge is None:
        return "no charge for this payment"
    payment = gateway.retrieve_payment(payment_id=payment_id)
    if payment.status == "succeeded" and event.type == "payment_intent.succeeded":
        charge_mark_paid(charge=charge, payment=payment, source=event.event_id)
    if event.type.startswith("charge."):
        charge_record_refund_or_dispute(charge=charge, payment=payment)
    return ""


def _on_payout(event: WebhookEvent, gateway) -> str:
    payout = Payout.objects.filter(gateway_payout_id=event.object_id).first()
    if payout is None or not event.account:
        return "no payout for this id"
    bank = gateway.retrieve_bank_payout(account_id=event.account, payout_id=event.object_id)
    payout_record_bank_outcome(payout=payout, status=bank.status, failure_code=bank.failure_code)
    return ""


def _on_transfer_reversed(event: WebhookEvent, gateway) -> str:
    payout = Payout.objects.filter(gateway_transfer_id=event.object_id).first()
    if payout is not None:
        audit(action="payout.transfer_reversed", subject=payout, data={"event": event.event_id})
    return ""


def _on_account(event: WebhookEvent, gateway) -> str:
    account_id = event.object_id or event.account
    account = PayoutAccount.objects.filter(gateway_account_id=account_id).first()
    if account is None:
        return "unknown account"
    state = gateway.retrieve_account(account_id=account_id)
    problem = state.problem or ("" if state.payouts_enabled else "payouts disabled")
    if account.problem != problem and not account.problem.startswith("bank payout failed"):
        PayoutAccount.objects.filter(pk=account.pk).update(problem=problem, updated_at=clock.now())
        audit(action="payout_account.updated", subject=account, data={"problem": problem})
    return ""


HANDLERS = {
    "payment_intent.succeeded": _on_payment,
    "payment_intent.payment_failed": _on_payment,
    "charge.refunded": _on_payment,
    "charge.dispute.created": _on_payment,
    "charge.dispute.closed": _on_payment,
    "payout.paid": _on_payout,
    "payout.failed": _on_payout,
    "transfer.reversed": _on_transfer_reversed,
    "account.updated": _on_account,
}


def webhook_process(*, event_id: int, gateway=None) -> WebhookEvent:
    """Process a stored event once: claimed by a conditional update (received ->
    processing). A provider outage gives it back (received) for the task's retry or the
    sweep; any other error is recorded for support as failed."""
    claimed = WebhookEvent.objects.filter(pk=event_id, status=WebhookEvent.Status.RECEIVED).update(
        status=WebhookEvent.Status.PROCESSING, attempts=F("attempts") + 1, claimed_at=clock.now()
    )
    event = WebhookEvent.objects.get(pk=event_id)
    if not claimed:
        return event  # processed already, or another worker has it
    handler = HANDLERS.get(event.type)
    note = ""
    if handler is None:
        status = WebhookEvent.Status.IGNORED
    else:
        try:
            note = handler(event, gateway or get_gateway())
            status = WebhookEvent.Status.PROCESSED
        except GatewayUnavailable:
            WebhookEvent.objects.filter(pk=event_id).update(status=WebhookEvent.Status.RECEIVED)
            raise
        except Exception as exc:  # recorded for support; not retried by the sweep
            logger.exception("webhook %s failed", event.event_id)
            status, note = WebhookEvent.Status.FAILED, repr(exc)[:2000]
    WebhookEvent.objects.filter(pk=event_id, status=WebhookEvent.Status.PROCESSING).update(
        status=status, error=note, processed_at=clock.now()
    )
    event.refresh_from_db()
    return event


def webhooks_process_stale(*, older_than, limit: int = 100, gateway=None) -> int:
    """Events still waiting after `older_than` (a lost task message, a dead worker):
    process them now."""
    WebhookEvent.objects.filter(
        status=WebhookEvent.Status.PROCESSING, claimed_at__lt=older_than
    ).update(status=WebhookEvent.Status.RECEIVED)
    stale = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.RECEIVED, received_at__lt=older_than
    ).order_by("received_at")[:limit]
    done = 0
    for event_id in list(stale.values_list("pk", flat=True)):
        try:
            webhook_process(event_id=event_id, gateway=gateway)
            done += 1
        except GatewayUnavailable:
            break
    return done
