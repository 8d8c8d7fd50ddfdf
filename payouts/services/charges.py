"""Charging customers the day after: one off-session card charge per billable item.

Each morning (Paris) `charges_run_due` creates the charges of the items due (at most one per
item: a database constraint) and attempts every due charge. An attempt claims its row by a
conditional update (due -> processing), calls the provider outside any transaction, then
writes the answer under the row lock. A declined card or an authentication request is
retried on days 1 and 3 after the first attempt; the customer is told each time. A claim
whose worker died is given back after CHARGE_CLAIM_TIMEOUT and retried with the same
idempotency key, so the provider answers the same and nobody is charged twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from checkin.selectors import billables_due
from core import clock, metrics
from core.audit import audit
from core.errors import Conflict
from customers.selectors import default_payment_method

from .. import notifications
from ..gateway import GatewayUnavailable, PaymentResult, get_gateway
from ..models import Charge
from .ledger import ledger_record_earnings
from .payment_methods import customer_gateway_ensure

logger = logging.getLogger(__name__)


def retry_days() -> tuple[int, ...]:
    return tuple(settings.CHARGE_RETRY_DAYS)


def charges_create_due(*, on: date) -> int:
    """A due charge for every billable item due on `on` (or before) that has none."""
    items = (
        billables_due(on=on)
        .filter(charge__isnull=True)
        .values_list("pk", "amount_cents", "billable_on", "booking_id", "booking__customer_id")
    )
    charges = [
        Charge(
            billable_id=item_id,
            amount_cents=amount,
            first_due_on=billable_on,
            due_on=max(billable_on, on),
            customer_id=customer_id,
            booking_id=booking_id,
        )
        for item_id, amount, billable_on, booking_id, customer_id in items.iterator()
    ]
    Charge.objects.bulk_create(charges, batch_size=1000, ignore_conflicts=True)
    return len(charges)


def charges_release_stale_claims(*, now=None) -> int:
    """Give back claims whose worker died mid-attempt; the next attempt reuses the same
    attempt number, hence the same idempotency key."""
    now = now or clock.now()
    return Charge.objects.filter(
        status=Charge.Status.PROCESSING, claimed_at__lt=now - settings.CHARGE_CLAIM_TIMEOUT
    ).update(status=Charge.Status.DUE, attempts=F("attempts") - 1, claimed_at=None)


def _claim(charge_id: int, *, today: date) -> bool:
    return (
        Charge.objects.filter(pk=charge_id, status=Charge.Status.DUE, due_on__lte=today).update(
            status=Charge.Status.PROCESSING, attempts=F("attempts") + 1, claimed_at=clock.now()
        )
        == 1
    )


def charge_attempt(*, charge_id: int, today: date | None = None, gateway=None) -> Charge:
    """Attempt one due charge. A charge that is not due (paid, claimed by another worker,
    retried later) is returned unchanged."""
    today = today or clock.today()
    if not _claim(charge_id, today=today):
        return Charge.objects.get(pk=charge_id)
    charge = Charge.objects.select_related("customer__user").get(pk=charge_id)
    gateway = gateway or get_gateway()
    method = default_payment_method(charge.customer)
    try:
        if method is None:
            result = PaymentResult(
                payment_id=charge.gateway_payment_id,
                status="declined",
                failure_code="no_payment_method",
            )
        else:
            customer_gateway_ensure(customer=charge.customer, gateway=gateway)
            result = gateway.charge_off_session(
                charge=charge,
                customer_gateway_id=charge.customer.gateway_customer_id,
                payment_method_id=method.gateway_payment_method_id,
            )
    except GatewayUnavailable:
        # Nothing is known to have happened: give the claim back, same attempt number.
        Charge.objects.filter(pk=charge_id, status=Charge.Status.PROCESSING).update(
            status=Charge.Status.DUE, attempts=F("attempts") - 1, claimed_at=None
        )
        raise
    return _record(charge_id, result, method=method, gateway_name=gateway.name, today=today)


def _next_retry(charge: Charge, *, today: date) -> date | None:
    """The day of the next attempt after attempt `charge.attempts`, None after the last."""
    days = retry_days()
    if charge.attempts > len(days):
        return None
    return max(
        charge.first_due_on + timedelta(days=days[charge.attempts - 1]), today + timedelta(1)
    )


@transaction.atomic
def _record(charge_id: int, result: PaymentResult, *, method, gateway_name, today) -> Charge:
    charge = Charge.objects.select_for_update().select_related("customer__user").get(pk=charge_id)
    if charge.status != Charge.Status.PROCESSING:
        return charge  # a webhook recorded the payment first
    now = clock.now()
    charge.gateway = gateway_name
    charge.gateway_payment_id = result.payment_id or charge.gateway_payment_id
    charge.payment_method = method
    charge.claimed_at = None
    charge.failure_code = result.failure_code
    charge.client_secret = result.client_secret
    if result.status in ("succeeded", "processing"):
        # "processing" (e.g. a bank debit) is settled by the payment_intent.* webhook.
        charge.status = Charge.Status.SUCCEEDED
        charge.succeeded_at = now
        charge.client_secret = ""
        retry_on = None
    else:
        retry_on = _next_retry(charge, today=today)
        if retry_on is None:
            charge.status = Charge.Status.FAILED
            charge.failed_at = now
            metrics.charge_failed()
        else:
            charge.status = Charge.Status.DUE
            charge.due_on = retry_on
    charge.save()
    audit(
        action=f"charge.{charge.status}",
        subject=charge,
        data={
            "attempt": charge.attempts,
            "amount_cents": charge.amount_cents,
            "payment": charge.gateway_payment_id,
            "failure_code": charge.failure_code,
            "retry_on": retry_on.isoformat() if retry_on else None,
        },
    )
    if charge.status != Charge.Status.SUCCEEDED:
        notifications.tell_customer_charge_failed(charge, retry_on=retry_on)
    return charge


@transaction.atomic
def charge_mark_paid(*, charge: Charge, payment: PaymentResult, source: str) -> Charge:
    """The provider says the payment succeeded (the customer confirmed it in the app, or a
    pending payment settled): idempotent."""
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.status == Charge.Status.SUCCEEDED:
        return charge
    charge.status = Charge.Status.SUCCEEDED
    charge.succeeded_at = clock.now()
    charge.claimed_at = None
    charge.client_secret = ""
    charge.failure_code = ""
    charge.save()
    audit(action="charge.succeeded", subject=charge, data={"source": source})
    return charge


@transaction.atomic
def charge_record_refund_or_dispute(*, charge: Charge, payment: PaymentResult) -> Charge:
    """Refunds and disputes happen at the provider; support sees them on the charge. The
    pro's earning is untouched (support adjusts the ledger if needed)."""
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    changed = {}
    if payment.refunded_cents != charge.refunded_cents:
        changed["refunded_cents"] = charge.refunded_cents = payment.refunded_cents
    if payment.disputed and charge.disputed_at is None:
        charge.disputed_at = clock.now()
        changed["disputed"] = True
    if changed:
        charge.save(update_fields=["refunded_cents", "disputed_at"])
        audit(action="charge.provider_changed", subject=charge, data=changed)
    return charge


@transaction.atomic
def charge_retry_now(*, charge: Charge, by) -> Charge:
    """Support: attempt a failed or waiting charge again today (the attempt itself runs after
    commit through `charge_attempt`)."""
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    if charge.status not in (Charge.Status.DUE, Charge.Status.FAILED):
        raise Conflict(code="charge_not_retryable")
    today = clock.today()
    charge.status = Charge.Status.DUE
    charge.due_on = max(today, charge.first_due_on)
    charge.failed_at = None
    charge.save(update_fields=["status", "due_on", "failed_at"])
    audit(action="charge.retry_asked", subject=charge, actor=by)
    return charge


@dataclass
class ChargeRunSummary:
    created: int = 0
    attempted: int = 0
    by_status: dict = field(default_factory=dict)  # status -> (count, cents)
    errors: int = 0

    def add(self, charge: Charge) -> None:
        key = charge.status
        if charge.status == Charge.Status.DUE and charge.failure_code:
            key = "retry"
        count, cents = self.by_status.get(key, (0, 0))
        self.by_status[key] = (count + 1, cents + charge.amount_cents)


def charges_due(*, on: date):
    return Charge.objects.filter(status=Charge.Status.DUE, due_on__lte=on).order_by("due_on", "pk")


def charges_run_due(
    *, on: date | None = None, dry_run: bool = False, progress=None, gateway=None
) -> ChargeRunSummary:
    """The morning run: record final earnings, create the due charges, attempt each one.
    Safe to run twice (the second run finds nothing due). With `dry_run`, count only."""
    on = on or clock.today()
    summary = ChargeRunSummary()
    if dry_run:
        pending = billables_due(on=on).filter(charge__isnull=True)
        summary.created = pending.count()
        for amount in pending.values_list("amount_cents", flat=True):
            count, cents = summary.by_status.get("would_charge", (0, 0))
            summary.by_status["would_charge"] = (count + 1, cents + amount)
        for amount in charges_due(on=on).values_list("amount_cents", flat=True):
            count, cents = summary.by_status.get("would_retry", (0, 0))
            summary.by_status["would_retry"] = (count + 1, cents + amount)
        return summary
    ledger_record_earnings(today=on)
    summary.created = charges_create_due(on=on)
    charges_release_stale_claims()
    charge_ids = list(charges_due(on=on).values_list("pk", flat=True))
    gateway = gateway or get_gateway()
    for index, charge_id in enumerate(charge_ids, start=1):
        try:
            charge = charge_attempt(charge_id=charge_id, today=on, gateway=gateway)
        except GatewayUnavailable:
            summary.errors += 1
            logger.warning("charge %s postponed: provider unavailable", charge_id)
        else:
            summary.attempted += 1
            summary.add(charge)
        if progress:
            progress(index, len(charge_ids))
    return summary
