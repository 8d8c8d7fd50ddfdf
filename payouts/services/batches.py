"""Payout batches: weekly (Wednesday) and monthly (a few days before the month ends).

A batch for period P (payouts.periods) builds, for every pro on P's frequency, one payout of
every unpaid ledger entry earned up to P's end (sessions declared late and held money join
the next batch), then sends them (payouts.services.sending).

Building is set-based (a few statements whatever the number of pros) and serialised by an
advisory lock; the database holds the rest: one payout per (pro, period), each entry in at
most one payout. A pro without a valid IBAN or payout account gets a *held* payout that
claims no entries (they are told why); once fixed, the next batch pays everything and marks
the held rows *carried*. Rerunning a batch creates nothing twice and sends nothing twice.
"""

import zlib
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Sum

from core import clock
from core.audit import audit

from .. import notifications, periods
from ..models import Payout
from .accounts import (
    monthly_days_before_end,
    payout_accounts_create_missing,
    payout_accounts_sync_due,
    payout_frequencies_follow,
)
from .ledger import ledger_record_earnings
from .sending import payouts_send

BATCH_LOCK = zlib.crc32(b"payouts.batch")

_OWED = """
    SELECT e.pro_id, SUM(e.amount_cents) AS amount, COUNT(*) AS items
    FROM payouts_ledgerentry e
    JOIN pros_pro p ON p.id = e.pro_id
    LEFT JOIN payouts_payoutaccount a ON a.pro_id = e.pro_id
    WHERE COALESCE(a.frequency, p.payout_frequency) = %(frequency)s AND e.earned_on <= %(end)s AND e.created_at <= %(cutoff)s
      AND NOT EXISTS (SELECT 1 FROM payouts_payoutitem i WHERE i.entry_id = e.id)
    GROUP BY e.pro_id
    HAVING SUM(e.amount_cents) > 0
"""
_JUDGED = f"""
    SELECT o.pro_id, o.amount, o.items, COALESCE(a.gateway_account_id, '') AS gateway_account_id,
        CASE WHEN p.iban = '' THEN 'no_iban'
             WHEN COALESCE(a.gateway_account_id, '') = '' OR a.synced_iban <> p.iban
                THEN 'no_account'
             WHEN a.problem <> '' THEN 'account_problem'
             ELSE '' END AS held_reason
    FROM ({_OWED}) o
    LEFT JOIN payouts_payoutaccount a ON a.pro_id = o.pro_id
    JOIN pros_pro p ON p.id = o.pro_id
"""
_CREATE = f"""
    INSERT INTO payouts_payout
        (pro_id, frequency, period_start, period_end, batch_on, arrival_on, amount_cents,
         item_count, status, held_reason, gateway_account_id, gateway_transfer_id,
         gateway_payout_id, attempts, failure_code, created_at)
    SELECT j.pro_id, %(frequency)s, %(start)s, %(end)s, %(batch_on)s, %(arrival_on)s, j.amount,
        j.items, CASE WHEN j.held_reason = '' THEN 'pending' ELSE 'held' END, j.held_reason,
        j.gateway_account_id, '', '', 0, '', %(cutoff)s
    FROM ({_JUDGED}) j
    ON CONFLICT (pro_id, period_start, period_end) DO NOTHING
    RETURNING id, status
"""
# Entries of the payouts just created (same cutoff, same transaction).
_CLAIM_ENTRIES = """
    INSERT INTO payouts_payoutitem (payout_id, entry_id)
    SELECT po.id, e.id
    FROM payouts_payout po
    JOIN payouts_ledgerentry e ON e.pro_id = po.pro_id
    WHERE po.id = ANY(%(ids)s) AND e.earned_on <= %(end)s AND e.created_at <= %(cutoff)s
      AND NOT EXISTS (SELECT 1 FROM payouts_payoutitem i WHERE i.entry_id = e.id)
    ON CONFLICT (entry_id) DO NOTHING
"""
# The amount paid is what the claimed items add up to.
_AMOUNTS_FROM_ITEMS = """
    UPDATE payouts_payout po SET amount_cents = s.amount, item_count = s.items
    FROM (
        SELECT i.payout_id, SUM(e.amount_cents) AS amount, COUNT(*) AS items
        FROM payouts_payoutitem i JOIN payouts_ledgerentry e ON e.id = i.entry_id
        WHERE i.payout_id = ANY(%(ids)s)
        GROUP BY i.payout_id
    ) s
    WHERE po.id = s.payout_id
"""
# Older held payouts of the same pros are now carried by the new ones.
_CARRY_HELD = """
    UPDATE payouts_payout old SET status = 'carried', held_reason = '', carried_into_id = new.id
    FROM payouts_payout new
    WHERE new.id = ANY(%(ids)s) AND old.pro_id = new.pro_id AND old.status = 'held'
      AND old.id <> new.id
"""


def period_for(frequency: str, on: date) -> periods.Period:
    return periods.period_paid_on(frequency, on, days_before_end=monthly_days_before_end())


@dataclass
class BatchResult:
    period: periods.Period
    created: int = 0
    held_ids: list = field(default_factory=list)
    dry_run: bool = False
    # (outcome, pros, items, amount_cents) rows for the summary table
    rows: list = field(default_factory=list)
    send_errors: int = 0

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(row[1] for row in self.rows),
            sum(row[2] for row in self.rows),
            sum(row[3] for row in self.rows),
        )


def _params(period: periods.Period, cutoff) -> dict:
    return {
        "frequency": period.frequency,
        "start": period.start,
        "end": period.end,
        "batch_on": period.batch_on,
        "arrival_on": period.arrival_on,
        "cutoff": cutoff,
    }


def payout_batch_prepare(*, period: periods.Period, today: date, gateway=None) -> None:
    """What a batch needs to be right: final earnings in the ledger, an account row per pro,
    new IBANs at the provider, frequency changes applied up to the period's end."""
    ledger_record_earnings(today=today)
    payout_accounts_create_missing()
    payout_accounts_sync_due(limit=10_000, gateway=gateway)
    payout_frequencies_follow(today=today, apply_until=period.end)


def payout_batch_build(*, period: periods.Period, now=None) -> tuple[list[int], list[int]]:
    """Create this period's payouts (pending or held) and claim their entries. Returns
    (pending ids, held ids) of the payouts created now (none on a rerun)."""
    params = _params(period, now or clock.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BATCH_LOCK])
        cursor.execute(_CREATE, params)
        created = cursor.fetchall()
        pending = [pk for pk, status in created if status == Payout.Status.PENDING]
        held = [pk for pk, status in created if status == Payout.Status.HELD]
        if pending:
            cursor.execute(_CLAIM_ENTRIES, {**params, "ids": pending})
            cursor.execute(_AMOUNTS_FROM_ITEMS, {"ids": pending})
        if created:
            cursor.execute(_CARRY_HELD, {"ids": [pk for pk, _status in created]})
            audit(
                action="payout.batch_built",
                subject=f"payouts.period:{period.key}",
                data={"pending": len(pending), "held": len(held)},
            )
        for payout in Payout.objects.filter(pk__in=held).select_related("pro__user"):
            notifications.tell_pro_payout_held(payout)
    return pending, held


def payout_batch_preview(*, period: periods.Period, now=None) -> BatchResult:
    """What a batch would create now (dry run), from the ledger as recorded (the morning
    charge run records earnings): nothing is written. A pro with an IBAN but no account yet
    would have one created by the real run."""
    result = BatchResult(period=period, dry_run=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT CASE WHEN held_reason = '' THEN 'would_send'
                        WHEN held_reason = 'no_account' THEN 'would_send:account_to_set_up'
                        ELSE 'held:' || held_reason END,
                   COUNT(*), SUM(items), SUM(amount)
            FROM ({_JUDGED}) j
            WHERE NOT EXISTS (
                SELECT 1 FROM payouts_payout po WHERE po.pro_id = j.pro_id
                  AND po.period_start = %(start)s AND po.period_end = %(end)s)
            GROUP BY 1 ORDER BY 1
            """,
            _params(period, now or clock.now()),
        )
        result.rows = [(row[0], row[1], int(row[2]), int(row[3])) for row in cursor.fetchall()]
    return result


def batch_rows(period: periods.Period) -> list[tuple[str, int, int, int]]:
    """(outcome, pros, items, amount) for the payouts of `period`, as stored now."""
    rows = (
        Payout.objects.filter(period_start=period.start, period_end=period.end)
        .values("status", "held_reason")
        .annotate(pros=Count("id"), items=Sum("item_count"), amount=Sum("amount_cents"))
        .order_by("status", "held_reason")
    )
    return [
        (
            f"{row['status']}:{row['held_reason']}" if row["held_reason"] else row["status"],
            row["pros"],
            row["items"] or 0,
            row["amount"] or 0,
        )
        for row in rows
    ]


def payout_batch_run(
    *,
    frequency: str,
    on: date | None = None,
    dry_run: bool = False,
    gateway=None,
    progress=None,
    prepare: bool = True,
) -> BatchResult:
    """Run the `frequency` batch due on `on` (default today, Paris): the period of the latest
    batch day on or before `on`. Safe to run twice, and concurrently."""
    on = on or clock.today()
    period = period_for(frequency, on)
    if dry_run:
        return payout_batch_preview(period=period)
    if prepare:
        payout_batch_prepare(period=period, today=on, gateway=gateway)
    pending, held = payout_batch_build(period=period)
    result = BatchResult(period=period, created=len(pending) + len(held), held_ids=held)
    sent = payouts_send(gateway=gateway, progress=progress)
    result.send_errors = sent.errors
    result.rows = batch_rows(period)
    return result
