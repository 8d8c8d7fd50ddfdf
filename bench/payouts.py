"""Payout batch benchmark (`make bench`): prints figures, is not part of the test run.

A weekly batch over 1,000,000 ledger entries for 50,000 pros (20 unpaid entries each, all
with a synced connected account), with the provider's calls faked in memory:
- wall time, peak Python memory (tracemalloc) and number of SQL queries of the batch, split
  into preparing (earnings, accounts, frequencies), building (payouts and their items, set
  based) and sending (transfers and bank payouts, in claimed chunks);
- as the reference, the same rows (50,000 payouts + 1,000,000 payout items) written by
  Django's `bulk_create` in the same run; target: the batch at no less than a quarter of the
  reference's rows per second;
- the same at a tenth of the size, to show the build's queries do not grow with the pros.

Uses its OWN database (BENCH_PAYOUTS_DATABASE_URL, default .../wecasa_bench_payouts, created
and migrated here). Sizes: BENCH_PAYOUT_PROS (default 50000), BENCH_ENTRIES_PER_PRO (20).
"""

import os
import random
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get(
    "BENCH_PAYOUTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench_payouts"
)
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("PAYMENT_GATEWAY", "fake")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")

PROS = int(os.environ.get("BENCH_PAYOUT_PROS", "50000"))
PER_PRO = int(os.environ.get("BENCH_ENTRIES_PER_PRO", "20"))
SEED = 11
IBAN = "FR1420041010050500013M02606"
BATCH_DAY = date(2026, 3, 11)  # a Wednesday: pays Tuesday 3 .. Monday 9 March


def ensure_database():
    import psycopg

    name = BENCH_DB.rsplit("/", 1)[1]
    admin = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.clock import PARIS  # noqa: E402
from payouts.gateway import BankPayoutResult, TransferResult  # noqa: E402
from payouts.gateway.fake import FakeGateway  # noqa: E402
from payouts.models import Payout, PayoutItem  # noqa: E402
from payouts.services import batches, sending  # noqa: E402


class InMemoryGateway(FakeGateway):
    """The provider's answers without any storage: the bench measures our side only."""

    def transfer_create(self, *, payout):
        return TransferResult(transfer_id=f"tr_bench_{payout.pk}")

    def bank_payout_create(self, *, payout):
        return BankPayoutResult(payout_id=f"po_bench_{payout.pk}", status="pending")


def copy_model(model, rows, count):
    """COPY `rows` (dicts attname -> value) into the model's table; fields left out get the
    model's default (columns added later with a default need nothing here)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for field in fields:
        if field.has_default():
            defaults[field.attname] = field.get_default
        elif field.null or field.blank:
            defaults[field.attname] = lambda f=field: None if f.null else ""
    columns = ", ".join(f'"{f.column}"' for f in fields)
    written = 0
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    [row[f.attname] if f.attname in row else defaults[f.attname]() for f in fields]
                )
                written += 1
    assert written == count
    return written


def wipe():
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE payouts_payoutitem, payouts_payout, payouts_ledgerentry, "
            "payouts_payoutaccount, payouts_fakegatewayobject, pros_pro, core_auditevent, "
            "notifications_notification, core_user RESTART IDENTITY CASCADE"
        )


def populate(pros: int, per_pro: int) -> int:
    """`pros` weekly pros with a synced account, each with `per_pro` unpaid entries earned in
    the week paid on BATCH_DAY (COPY: a minute for a million rows)."""
    rng = random.Random(SEED)
    now = datetime(2026, 3, 10, 12, tzinfo=PARIS)
    from django.contrib.auth import get_user_model

    from payouts.models import LedgerEntry, PayoutAccount
    from pros.models import Pro

    copy_model(
        get_user_model(),
        (
            {"email": f"bench-pro-{i}@example.com", "password": "!", "date_joined": now}
            for i in range(1, pros + 1)
        ),
        pros,
    )
    copy_model(
        Pro,
        (
            {
                "user_id": i,
                "status": "active",
                "slug": f"bench-{i}",
                "referral_code": f"B{i:09d}",
                "terms_accepted_at": now,
                "created_at": now,
                "id_verified_at": now,
                "iban": IBAN,
                "account_holder": f"Pro {i}",
                "payout_frequency": "weekly",
            }
            for i in range(1, pros + 1)
        ),
        pros,
    )
    copy_model(
        PayoutAccount,
        (
            {
                "pro_id": i,
                "gateway": "fake",
                "gateway_account_id": f"acct_bench_{i}",
                "synced_iban": IBAN,
                "frequency": "weekly",
                "updated_at": now,
            }
            for i in range(1, pros + 1)
        ),
        pros,
    )
    week_start = date(2026, 3, 3)
    copy_model(
        LedgerEntry,
        (
            {
                "pro_id": pro,
                "kind": "adjustment",
                "amount_cents": rng.randint(1000, 9000),
                "earned_on": week_start + timedelta(days=n % 7),
                "reason": "bench",
                "created_at": now,
            }
            for pro in range(1, pros + 1)
            for n in range(per_pro)
        ),
        pros * per_pro,
    )
    with connection.cursor() as cursor:
        for table in ("core_user", "pros_pro"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {pros + 1}, false)"
            )
        cursor.execute("ANALYZE")
    return pros * per_pro


def measure(label, function):
    reset_queries()
    tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, {
        "label": label,
        "seconds": elapsed,
        "peak_mb": peak / 2**20,
        "queries": len(queries),
    }


def reference_bulk_create(pros: int) -> dict:
    """The rows the batch writes (one payout per pro, one item per entry), by bulk_create."""
    period = batches.period_for("weekly", BATCH_DAY)
    entry_ids = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, pro_id FROM payouts_ledgerentry ORDER BY id")
        for entry_id, pro_id in cursor.fetchall():
            entry_ids.setdefault(pro_id, []).append(entry_id)

    def write():
        payouts = Payout.objects.bulk_create(
            [
                Payout(
                    pro_id=pro_id,
                    frequency="weekly",
                    period_start=period.start,
                    period_end=period.end,
                    batch_on=period.batch_on,
                    arrival_on=period.arrival_on,
                    amount_cents=1000 * len(ids),
                    item_count=len(ids),
                    status="sent",
                    gateway_account_id=f"acct_bench_{pro_id}",
                    gateway_transfer_id=f"tr_bench_{pro_id}",
                    gateway_payout_id=f"po_bench_{pro_id}",
                )
                for pro_id, ids in entry_ids.items()
            ],
            batch_size=2000,
        )
        buffer = []
        for payout in payouts:
            buffer.extend(
                PayoutItem(payout_id=payout.pk, entry_id=entry_id)
                for entry_id in entry_ids[payout.pro_id]
            )
            if len(buffer) >= 20_000:
                PayoutItem.objects.bulk_create(buffer, batch_size=5000)
                buffer = []
        PayoutItem.objects.bulk_create(buffer, batch_size=5000)
        return len(payouts)

    _count, figures = measure("bulk_create reference", write)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE payouts_payoutitem, payouts_payout RESTART IDENTITY CASCADE")
    return figures


def run_batch() -> list[dict]:
    gateway = InMemoryGateway()
    period = batches.period_for("weekly", BATCH_DAY)
    at = datetime(2026, 3, 11, 10, tzinfo=PARIS)
    import time_machine

    with time_machine.travel(at, tick=True):
        _none, prepare = measure(
            "prepare",
            lambda: batches.payout_batch_prepare(period=period, today=BATCH_DAY, gateway=gateway),
        )
        (pending, held), build = measure("build", lambda: batches.payout_batch_build(period=period))
        summary, send = measure("send", lambda: sending.payouts_send(gateway=gateway))
    assert not held and summary.sent == len(pending), (len(held), summary)
    return [prepare, build, send]


def report(pros: int, entries: int, reference: dict, steps: list[dict]):
    rows = pros + entries
    total = {
        "label": "batch total",
        "seconds": sum(step["seconds"] for step in steps),
        "peak_mb": max(step["peak_mb"] for step in steps),
        "queries": sum(step["queries"] for step in steps),
    }
    print(f"\n{pros:,} pros, {entries:,} ledger entries -> {pros:,} payouts + {entries:,} items")
    print(f"{'step':<24}{'seconds':>10}{'rows/s':>12}{'peak MB':>10}{'queries':>10}")
    for step in [*steps, total, reference]:
        rate = (
            rows / step["seconds"]
            if step["label"] in ("batch total", "bulk_create reference")
            else None
        )
        print(
            f"{step['label']:<24}{step['seconds']:>10.2f}{(f'{rate:,.0f}' if rate else ''):>12}"
            f"{step['peak_mb']:>10.1f}{step['queries']:>10}"
        )
    ratio = reference["seconds"] / total["seconds"]
    print(f"batch rate / bulk_create rate: {ratio:.2f} (target >= 0.25)")
    return total


def main():
    call_command("migrate", verbosity=0)
    sizes = [max(PROS // 10, 100), PROS]
    build_queries = []
    for pros in sizes:
        wipe()
        started = time.perf_counter()
        entries = populate(pros, PER_PRO)
        print(f"setup {pros:,} pros / {entries:,} entries: {time.perf_counter() - started:.1f} s")
        reference = reference_bulk_create(pros)
        steps = run_batch()
        report(pros, entries, reference, steps)
        build_queries.append((pros, steps[1]["queries"], steps[2]["queries"]))
        assert Payout.objects.filter(status="sent").count() == pros
        assert PayoutItem.objects.count() == entries
    print(
        "\nqueries by size (build is set based; sending claims and writes per chunk of "
        "PAYOUT_SEND_CHUNK payouts):"
    )
    for pros, build, send in build_queries:
        print(f"  {pros:>7,} pros: build {build} queries, send {send} queries")


if __name__ == "__main__":
    main()
