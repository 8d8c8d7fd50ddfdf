"""Sweep benchmark (`make bench`): a backlog of due requests among many closed ones, cleared by
one process running the dispatch sweep (bookings.dispatch.engine.sweep_pass) as the beat task
does. Prints figures; not part of the test run.

Every due request holds one proposal whose answer time is over (what an hour of broker outage
leaves): its step expires it and chooses the next pro. Target: 10,000 due among 1,000,000
cleared in <= 10 s, <= 4 statements per request, no pass longer than its time budget
(DISPATCH_SWEEP_SECONDS, below the 30 s beat). Baseline, measured in the same run: the same
step one request per transaction (what the sweep did before batches), on a slice of the
backlog. The expired pros' scores are queued as tasks when a pass ends: the bench runs
them after the sweep, as a worker would, and prints their time apart.

    python bench/sweep.py            # 100,000 requests, 10,000 due (about a minute to set up)
    python bench/sweep.py --full     # 1,000,000 requests, 10,000 due

Uses bench/dispatch.py's database (wecasa_bench), data generators and Redis database; the
wake-ups and e-mails it queues go to bench queues that are purged at the end.
"""

import argparse
import cProfile
import os
import pstats
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("BENCH_QUEUE", "bench-sweep")
import dispatch as bench  # noqa: E402  (sets up Django on the bench database)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from bookings.dispatch import engine  # noqa: E402
from bookings.models import BookingRequest, Proposal  # noqa: E402
from bookings.rules import booking_deadline  # noqa: E402
from catalog.models import Service  # noqa: E402
from core import clock  # noqa: E402
from pros.scoring import record  # noqa: E402
from pros.scoring.compute import score_recompute  # noqa: E402

BASELINE_REQUESTS = int(os.environ.get("BENCH_SWEEP_BASELINE", "300"))


def add_backlog(customers, service, *, total, due, now):
    """`total - due` closed requests (no due time) and `due` dispatching requests, each with
    one expired proposal to a pro covering its address; all written with COPY."""
    first_request = bench.next_id("bookings_bookingrequest")
    pros = list(
        connection.cursor()
        .execute("SELECT id FROM pros_pro WHERE status = 'active' ORDER BY id")
        .fetchall()
    )
    requests, proposals = [], []
    snapshot = service.price_snapshot()
    day = clock.today() + timedelta(days=3)
    for i in range(total):
        customer = customers[i % len(customers)]
        # Due ones: one per customer, so no two open requests share a home and a time.
        is_due = i < due
        slot = i if is_due else i // len(customers)
        start = clock.paris_datetime(
            day + timedelta(days=(slot // 8) % 60), datetime.min.time()
        ) + timedelta(hours=9 + slot % 8)
        expired_at = now - timedelta(minutes=1)
        requests.append(
            {
                "id": first_request + i,
                "customer_id": customer.pk,
                "service_id": service.pk,
                "address_id": customer.bench_address_id,
                "start": start,
                "end": start + timedelta(minutes=service.duration_minutes),
                **snapshot,
                "status": "dispatching" if is_due else "cancelled",
                "booking_deadline": booking_deadline(start),
                "next_dispatch_at": expired_at if is_due else None,
                "created_at": now - timedelta(hours=2),
            }
        )
        if is_due:
            proposals.append(
                {
                    "request_id": first_request + i,
                    "pro_id": pros[bench.rng.randrange(len(pros))][0],
                    "status": "sent",
                    "sent_at": expired_at - timedelta(minutes=60),
                    "expires_at": expired_at,
                }
            )
    bench.copy_model(BookingRequest, requests)
    bench.copy_model(Proposal, proposals)
    bench.reset_sequences()
    # An hour's backlog was written over that hour: autovacuum has seen it (bench.settle).
    bench.settle()
    return [first_request + i for i in range(due)]


class StatementCounter:
    """Counts the statements Django sends (transaction control excluded), on this thread's
    connection and, through `engine._sweep_thread`, on the sweep threads' own."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        with self._lock:
            self.count += 1
        return execute(sql, params, many, context)


def count_in_sweep_threads(counter: StatementCounter) -> None:
    sweep_thread = engine._sweep_thread

    def counted(state):
        with connection.execute_wrapper(counter):
            return sweep_thread(state)

    engine._sweep_thread = counted


def due_left(ids):
    return BookingRequest.objects.filter(pk__in=ids, next_dispatch_at__lte=clock.now()).count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="1,000,000 requests (default 100,000)")
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    total = 1_000_000 if args.full else int(os.environ.get("BENCH_SWEEP_REQUESTS", "100000"))
    started = time.monotonic()
    print(f"database: {bench.BENCH_DB}   broker: {bench.BROKER}   queue: {bench.QUEUE}")
    bench.call_command("migrate", verbosity=0)
    bench.wipe()
    services_by_category = {}
    for service in Service.objects.select_related("category").order_by("pk"):
        services_by_category.setdefault(service.category.slug, []).append(service)
    service = Service.objects.get(slug="menage-2h")
    services_by_category["cleaning"].sort(key=lambda s: s.slug != "menage-2h")
    customers = bench.make_customers(max(args.due + BASELINE_REQUESTS, 20_000))
    addresses = {a.customer_id: a.pk for a in bench.Address.objects.filter(customer__in=customers)}
    for customer in customers:
        customer.bench_address_id = addresses[customer.pk]
    bench.add_pros(
        int(os.environ.get("BENCH_SWEEP_PROS", "5000")),
        week_start=clock.today() + timedelta(days=1),
        services_by_category=services_by_category,
        customers=customers,
    )
    step = time.monotonic()
    now = clock.now()
    ids = add_backlog(customers, service, total=total, due=args.due + BASELINE_REQUESTS, now=now)
    print(
        f"{total:,} requests, {len(ids):,} due (each with an expired proposal), "
        f"set up in {time.monotonic() - step:.1f} s"
    )

    # Baseline: the same step, one request per transaction.
    baseline_ids, backlog_ids = ids[:BASELINE_REQUESTS], ids[BASELINE_REQUESTS:]
    counter = StatementCounter()
    began = time.perf_counter()
    with connection.execute_wrapper(counter):
        for request_id in baseline_ids:
            engine.booking_request_advance(request_id=request_id, skip_locked=True)
    one_by_one = (time.perf_counter() - began) / len(baseline_ids)
    one_by_one_statements = counter.count / len(baseline_ids)

    # The sweep, pass after pass as the beat (and each pass's continuation) runs it.
    counter = StatementCounter()
    passes = []
    processed = 0
    began = time.perf_counter()
    # The expired pros' scores are queued as tasks when a pass ends: kept here, and timed after
    # the sweep as the worker would run them (printed apart: they hand no request on).
    recomputes = []
    record.publish_recomputes = recomputes.append
    count_in_sweep_threads(counter)
    # BENCH_SWEEP_PROFILE=1 (or =tottime: sorted by own time) profiles the calling thread only:
    # use DISPATCH_SWEEP_THREADS=1. BENCH_SWEEP_PROFILE_FILE=path also dumps it for pstats.
    profile_sort = os.environ.get("BENCH_SWEEP_PROFILE")
    profile = cProfile.Profile() if profile_sort else None
    with connection.execute_wrapper(counter):
        finished = False
        while not finished:
            pass_began = time.perf_counter()
            if profile:
                profile.enable()
            done, finished = engine.sweep_pass()
            if profile:
                profile.disable()
            passes.append(time.perf_counter() - pass_began)
            processed += done
    elapsed = time.perf_counter() - began
    if profile:  # BENCH_SWEEP_PROFILE=1: where the pass spends its time (slower under the profiler)
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime" if profile_sort == "tottime" else "cumulative").print_stats(45)
        if os.environ.get("BENCH_SWEEP_PROFILE_FILE"):
            stats.dump_stats(os.environ["BENCH_SWEEP_PROFILE_FILE"])
    recompute_began = time.perf_counter()
    scored = sum(score_recompute(pro_ids=pro_ids).pros for pro_ids in recomputes)
    recompute_seconds = time.perf_counter() - recompute_began
    left = due_left(backlog_ids)
    handed_on = (
        Proposal.objects.filter(request_id__in=backlog_ids, status="sent")
        .values("request_id")
        .distinct()
        .count()
    )
    per_request = elapsed / max(processed, 1)
    statements = counter.count / max(processed, 1)
    budget = settings.DISPATCH_SWEEP_SECONDS
    print(
        f"\nsweep: {processed:,} requests in {elapsed:.2f} s ({processed / elapsed:,.0f}/s) by one "
        f"process ({settings.DISPATCH_SWEEP_THREADS} thread(s)), {len(passes)} pass(es), longest {max(passes):.2f} s (budget {budget:.0f} s); "
        f"{left} still due; {handed_on:,} handed on to the next pro"
    )
    print(
        f"  then the expired pros' scores, queued as {len(recomputes)} task(s): {scored:,} pros "
        f"in {recompute_seconds:.2f} s (sweep and scores: {elapsed + recompute_seconds:.2f} s)"
    )
    print(
        f"  per request: {per_request * 1000:.2f} ms and {statements:.2f} statements; "
        f"one request per transaction (baseline, {len(baseline_ids)} requests): "
        f"{one_by_one * 1000:.2f} ms and {one_by_one_statements:.2f} statements; "
        f"ratio x{per_request / one_by_one:.2f}"
    )
    targets = [
        (f"{args.due:,} due cleared in <= 10 s", elapsed <= 10 and left == 0),
        ("<= 4 statements per request", statements <= 4),
        ("no pass outlives its budget (+1 batch)", max(passes) <= budget + 2),
    ]
    for name, met in targets:
        print(f"  {name}: {'met' if met else 'NOT met'}")
    from wecasa.celery import app

    with app.connection_for_write() as conn:
        for queue in (bench.QUEUE, bench.QUEUE + "-notifications"):
            conn.default_channel.queue_purge(queue)
    print(f"total bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
