"""/metrics scrape benchmark (`make bench`): the scrape costs the same with 1,000,000 booking
requests in the database as with none (counters in Redis, gauges from partial indexes).
Prints figures; not part of the test run.

Uses its own database (BENCH_METRICS_DATABASE_URL, default .../wecasa_bench_metrics, created
and migrated here) and a Redis key prefix of its own. Bounded: 1,000,000 rows are written by
one INSERT ... SELECT (about a minute on two cores), BENCH_METRICS_SCRAPES scrapes per size.

    python bench/metrics.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault(
    "BENCH_DATABASE_URL",
    os.environ.get(
        "BENCH_METRICS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench_metrics"
    ),
)
os.environ.setdefault("BENCH_QUEUE", "bench-metrics")
os.environ.setdefault("METRICS_KEY_PREFIX", "bench:metrics")
os.environ.setdefault("METRICS_TOKEN", "bench-token")
import dispatch as bench  # noqa: E402  (sets up Django on the bench database)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bookings.models import BookingRequest  # noqa: E402
from catalog.models import Service  # noqa: E402
from core import clock, metrics  # noqa: E402
from ops import selectors  # noqa: E402

SIZE = int(os.environ.get("BENCH_METRICS_REQUESTS", "1000000"))
SCRAPES = int(os.environ.get("BENCH_METRICS_SCRAPES", "200"))

# Closed requests (most of history) and 1 % still due later, spread over the past year.
INSERT = """
INSERT INTO bookings_bookingrequest
  (customer_id, service_id, address_id, start, "end", notes, price_cents, pro_net_cents,
   platform_share_cents, status, origin, fallback_to_others, next_dispatch_at, booking_deadline,
   created_at, closed_at, cancel_reason{extra_columns})
SELECT %(customer)s, %(service)s, %(address)s,
       now() - (g || ' hours')::interval, now() - (g || ' hours')::interval + interval '2 hours',
       '', 5184, 4080, 1104,
       CASE WHEN g %% 100 = 0 THEN 'dispatching' WHEN g %% 7 = 0 THEN 'unfulfilled'
            ELSE 'confirmed' END,
       'customer', false,
       CASE WHEN g %% 100 = 0 THEN now() + interval '1 hour' END,
       now() - (g || ' hours')::interval - interval '2 hours',
       now() - (g || ' hours')::interval - interval '1 day',
       CASE WHEN g %% 100 = 0 THEN NULL ELSE now() - (g || ' hours')::interval END, ''
       {extra_values}
FROM generate_series(1, %(size)s) AS g
"""


def insert_sql() -> tuple[str, dict]:
    """INSERT with the columns above, plus the defaults of NOT NULL columns added since."""
    named = {
        "customer_id",
        "service_id",
        "address_id",
        "start",
        "end",
        "notes",
        "price_cents",
        "pro_net_cents",
        "platform_share_cents",
        "status",
        "origin",
        "fallback_to_others",
        "next_dispatch_at",
        "booking_deadline",
        "created_at",
        "closed_at",
        "cancel_reason",
    }
    extra = [
        field
        for field in BookingRequest._meta.concrete_fields
        if not field.primary_key and not field.null and field.column not in named
    ]
    return INSERT.format(
        extra_columns="".join(f", {field.column}" for field in extra),
        extra_values="".join(f", %(default_{field.column})s" for field in extra),
    ), {f"default_{field.column}": field.get_default() for field in extra}


def scrape_times(client: Client) -> tuple[list[float], int]:
    """Scrape times (ms), after one scrape whose statements are counted."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer bench-token")
    times = []
    for _ in range(SCRAPES):
        started = time.perf_counter()
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer bench-token")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times, len(statements)


def gauges_statement() -> tuple[float, bool]:
    """p50 (ms) of the gauges' statement alone, and whether its plan reads no table sequentially."""
    times = []
    for _ in range(SCRAPES):
        started = time.perf_counter()
        selectors.database_gauges()
        times.append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + selectors._gauges_sql())
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return statistics.median(times), "Seq Scan" not in plan


def print_gauges() -> None:
    p50, index_only = gauges_statement()
    print(f"          gauges statement p50 {p50:.2f} ms, no sequential scan: {index_only}")


def report(label: str, count: int, times: list[float], queries: int) -> float:
    p50 = statistics.median(times)
    p95 = bench.percentile(times, 95)
    print(
        f"{label:>8}: {count:>9,} requests  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  {queries} queries"
    )
    return p50


def main():
    call_command("migrate", "--noinput", verbosity=0)
    bench.wipe()
    customer = bench.make_customers(1)[0]
    address = customer.addresses.order_by("pk").first()
    service = Service.objects.get(slug="menage-2h")
    # A day's counters, as a busy day leaves them (bounded: services x bands x names).
    metrics._send(
        {
            metrics.field("requests_created", s.pk, band): 1000
            for s in Service.objects.all()
            for band, _ in metrics.LEAD_BANDS
        }
    )
    client = Client(HTTP_HOST="localhost")
    print(f"/metrics, {SCRAPES} scrapes per size, in-process (Django test client)")
    empty = report("empty", 0, *scrape_times(client))
    print_gauges()
    started = time.monotonic()
    sql, defaults = insert_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                **defaults,
                "customer": customer.pk,
                "service": service.pk,
                "address": address.pk,
                "size": SIZE,
            },
        )
        cursor.execute("ANALYZE bookings_bookingrequest")
    print(f"   setup: {SIZE:,} requests inserted in {time.monotonic() - started:.0f} s")
    full = report("full", SIZE, *scrape_times(client))
    print_gauges()
    print(f"   ratio: x{full / empty:.2f} (p50, full / empty; target: constant, < 1.5)")
    bench.wipe()
    client_redis = metrics.client()
    keys = list(client_redis.scan_iter(f"{os.environ['METRICS_KEY_PREFIX']}:*"))
    if keys:
        client_redis.delete(*keys)
    print(f"     day: {clock.today()}")


if __name__ == "__main__":
    main()
