"""Sending payouts: per pro, one Transfer to their connected account, then one bank payout.

Payouts are claimed in chunks by a conditional update (pending -> sending, SKIP LOCKED), so
two runs never send the same payout; the provider is called outside any transaction; each
chunk's answers are written in one statement, with their audit rows. A run that stops
halfway leaves the rest pending (or claimed: given back after PAYOUT_CLAIM_TIMEOUT), and the
next run resumes there, with the same idempotency keys: nothing is paid twice.

Balance timing: transfers are made from the platform's available balance, not against each
originating charge (`source_transaction`): a payout pays many sessions, some charged after the
batch or never (the platform carries that risk), so the platform keeps a buffer on its Stripe
balance of at least one batch.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from core import clock
from core.audit import audit
from core.errors import Conflict
from core.models import AuditEvent

from .. import notifications
from ..gateway import GatewayUnavailable, get_gateway
from ..models import Payout, PayoutAccount

logger = logging.getLogger(__name__)

_CLAIM = """
    UPDATE payouts_payout SET status = 'sending', claimed_at = %(now)s
    WHERE id IN (
        SELECT id FROM payouts_payout
        WHERE id > %(after)s
          AND (status = 'pending' OR (status = 'sending' AND claimed_at < %(stale)s))
        ORDER BY id LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED)
    RETURNING id, pro_id, amount_cents, gateway_account_id, gateway_transfer_id, attempts
"""
_WRITE = """
    UPDATE payouts_payout p
    SET status = v.status, gateway_transfer_id = v.transfer, gateway_payout_id = v.bank,
        failure_code = v.code, claimed_at = NULL,
        sent_at = CASE WHEN v.status = 'sent' THEN %(now)s ELSE p.sent_at END,
        failed_at = CASE WHEN v.status = 'failed' THEN %(now)s ELSE p.failed_at END
    FROM unnest(%(ids)s::bigint[], %(statuses)s::text[], %(transfers)s::text[],
                %(banks)s::text[], %(codes)s::text[]) AS v(id, status, transfer, bank, code)
    WHERE p.id = v.id AND p.id = ANY(%(ids)s::bigint[]) AND p.status = 'sending'
"""
# (`p.id = ANY(...)` makes the plan probe the ids: without it Postgres walks the whole
# to-send index, dead entries of the rows already sent included, at every chunk.)
_GIVE_BACK = "UPDATE payouts_payout SET status = 'pending', claimed_at = NULL WHERE id = ANY(%s) AND status = 'sending'"


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    errors: int = 0


def _send_one(gateway, payout: Payout) -> tuple[str, str, str, str]:
    """(status, transfer id, bank payout id, failure code) for one claimed payout."""
    transfer_id = payout.gateway_transfer_id
    if not transfer_id:
        transfer = gateway.transfer_create(payout=payout)
        if transfer.failure_code:
            return Payout.Status.FAILED, "", "", transfer.failure_code
        transfer_id = transfer.transfer_id
    bank = gateway.bank_payout_create(payout=payout)
    if bank.status == "failed":
        return Payout.Status.FAILED, transfer_id, bank.payout_id, bank.failure_code or "failed"
    return Payout.Status.SENT, transfer_id, bank.payout_id, ""


def _write(results: list, *, now) -> None:
    if not results:
        return
    ids, statuses, transfers, banks, codes = (list(column) for column in zip(*results, strict=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                _WRITE,
                {
                    "now": now,
                    "ids": ids,
                    "statuses": statuses,
                    "transfers": transfers,
                    "banks": banks,
                    "codes": codes,
                },
            )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    action=f"payout.{status}",
                    subject=f"payouts.payout:{pk}",
                    data={"transfer": transfer, "bank_payout": bank, "failure_code": code},
                )
                for pk, status, transfer, bank, code in results
            ]
        )
        failed = [row[0] for row in results if row[1] == Payout.Status.FAILED]
        if failed:
            for payout in Payout.objects.filter(pk__in=failed).select_related("pro__user"):
                notifications.tell_pro_payout_failed(payout)


def payouts_send(*, gateway=None, progress=None, chunk: int | None = None) -> SendSummary:
    """Send every pending payout (and those whose claim went stale), chunk by chunk."""
    gateway = gateway or get_gateway()
    chunk = chunk or settings.PAYOUT_SEND_CHUNK
    summary = SendSummary()
    done = 0
    total = Payout.objects.filter(status=Payout.Status.PENDING).count() if progress else 0
    after = 0  # walk the ids forward: each chunk starts where the last one ended
    while True:
        now = clock.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _CLAIM,
                {
                    "now": now,
                    "stale": now - settings.PAYOUT_CLAIM_TIMEOUT,
                    "limit": chunk,
                    "after": after,
                },
            )
            claimed = cursor.fetchall()
        if not claimed:
            return summary
        after = max(row[0] for row in claimed)
        results = []
        try:
            for pk, pro_id, amount, account, transfer, attempts in claimed:
                payout = Payout(
                    pk=pk,
                    pro_id=pro_id,
                    amount_cents=amount,
                    gateway_account_id=account,
                    gateway_transfer_id=transfer,
                    attempts=attempts,
                )
                status, transfer_id, bank_id, code = _send_one(gateway, payout)
                results.append((pk, status, transfer_id, bank_id, code))
        except GatewayUnavailable:
            # Keep what was answered; give the rest back for the next run.
            _write(results, now=clock.now())
            answered = {row[0] for row in results}
            with connection.cursor() as cursor:
                cursor.execute(_GIVE_BACK, [[row[0] for row in claimed if row[0] not in answered]])
            summary.errors += 1
            logger.warning("payout sending stopped: provider unavailable")
            return summary
        _write(results, now=clock.now())
        summary.sent += sum(1 for row in results if row[1] == Payout.Status.SENT)
        summary.failed += sum(1 for row in results if row[1] == Payout.Status.FAILED)
        done += len(claimed)
        if progress:
            progress(done, max(total, done))


# --- after sending: what the provider tells us, and support's retry -------------------------


@transaction.atomic
def payout_record_bank_outcome(*, payout: Payout, status: str, failure_code: str = "") -> Payout:
    """The bank payout arrived ("paid") or failed; idempotent. A failure marks the pro's
    account so later payouts are held until the pro gives a new IBAN."""
    payout = Payout.objects.select_for_update().select_related("pro__user").get(pk=payout.pk)
    now = clock.now()
    if status == "paid" and payout.status == Payout.Status.SENT:
        payout.status = Payout.Status.PAID
        payout.paid_at = now
        payout.save(update_fields=["status", "paid_at"])
        audit(action="payout.paid", subject=payout)
    elif status == "failed" and payout.status in (Payout.Status.SENT, Payout.Status.PAID):
        payout.status = Payout.Status.FAILED
        payout.failed_at = now
        payout.failure_code = (failure_code or "failed")[:40]
        payout.save(update_fields=["status", "failed_at", "failure_code"])
        PayoutAccount.objects.filter(pro_id=payout.pro_id).update(
            problem=f"bank payout failed: {payout.failure_code}"[:200], updated_at=now
        )
        audit(action="payout.failed", subject=payout, data={"failure_code": payout.failure_code})
        notifications.tell_pro_payout_failed(payout)
    return payout


@transaction.atomic
def payout_retry(*, payout: Payout, by) -> Payout:
    """Support: send a failed payout again (after the pro fixed their IBAN). A refused
    transfer moved nothing and is made again; after a failed bank payout, the money waits on
    the connected account and only a new bank payout is made. New idempotency keys."""
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status != Payout.Status.FAILED:
        raise Conflict(code="payout_not_failed")
    account = PayoutAccount.objects.select_for_update().filter(pro_id=payout.pro_id).first()
    if account is not None and account.gateway_account_id:
        account.problem = ""
        account.save(update_fields=["problem"])
        payout.gateway_account_id = account.gateway_account_id
    payout.status = Payout.Status.PENDING
    payout.attempts = F("attempts") + 1
    payout.failure_code = ""
    payout.save(update_fields=["status", "attempts", "failure_code", "gateway_account_id"])
    audit(action="payout.retry_asked", subject=payout, actor=by)
    payout.refresh_from_db()
    return payout
