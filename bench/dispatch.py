"""Dispatch benchmark (`make bench`): prints figures, is not part of the test run.

1. The candidate query (bookings.dispatch.candidates.candidates_for) with 1,000 / 10,000 / 50,000 pros
   concentrated as in real life: a handful of metro areas, most pros within ~10 km of a
   centre (so thousands share a neighbourhood), each with a week of bookings and the
   proposals that came with them. Median and p95 over requests at random addresses and
   times; target < 10 ms at 50,000 and < 2x growth from 1,000.
2. With a real Celery worker (a `celery worker` subprocess on Redis): p50/p95 from
   POST /api/v1/booking-requests to the proposal being visible to the first pro (target
   p95 < 300 ms), and from a refusal to the next pro's proposal.

Uses its OWN database (BENCH_DATABASE_URL, default .../wecasa_bench, created and migrated
here), its own Redis database and queue (BENCH_BROKER_URL, BENCH_QUEUE). Data are written
with COPY so the 50,000-pro setup takes a couple of minutes on two cores.
"""

import functools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
QUEUE = os.environ.get("BENCH_QUEUE", "bench-dispatch")
os.environ["DATABASE_URL"] = BENCH_DB
os.environ["CELERY_BROKER_URL"] = BROKER
os.environ["CELERY_QUEUE"] = QUEUE
# Notification e-mails go to a bench queue nobody consumes (purged at the end).
os.environ["CELERY_NOTIFICATIONS_QUEUE"] = QUEUE + "-notifications"
os.environ.setdefault("DJANGO_DEBUG", "false")
# The end-to-end part calls the API in-process over plain HTTP: no redirect to HTTPS.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000,50000,100000").split(",")]
LIMITS = [int(n) for n in os.environ.get("BENCH_LIMITS", "1,3,10").split(",")]
QUERY_SAMPLES = int(os.environ.get("BENCH_QUERY_SAMPLES", "300"))
LATENCY_SAMPLES = int(os.environ.get("BENCH_LATENCY_SAMPLES", "60"))
SEED = 7

# (name, lat, lng, share of pros)
METROS = [
    ("Paris", 48.8566, 2.3522, 0.40),
    ("Lyon", 45.7640, 4.8357, 0.15),
    ("Marseille", 43.2965, 5.3698, 0.13),
    ("Lille", 50.6292, 3.0573, 0.11),
    ("Bordeaux", 44.8378, -0.5792, 0.11),
    ("Toulouse", 43.6047, 1.4442, 0.10),
]
KM_PER_DEG_LAT = 111.32


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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.dispatch import candidate_sql  # noqa: E402
from bookings.dispatch import candidates as dispatch_candidates  # noqa: E402
from bookings.dispatch.candidates import candidates_for  # noqa: E402
from bookings.models import Booking, BookingRequest, Proposal  # noqa: E402
from bookings.rules import booking_deadline  # noqa: E402
from catalog.models import Service  # noqa: E402
from core import clock  # noqa: E402
from core.geo import cell_of  # noqa: E402
from customers.models import Address, Customer, PaymentMethod  # noqa: E402
from pros.zones import zone_cells  # noqa: E402

rng = random.Random(SEED)


# --- data generation ----------------------------------------------------------------------------


def point_near(lat, lng, sigma_km):
    """A point around (lat, lng): normal with `sigma_km`, so ~85 % lie within 2 sigma."""
    dx, dy = rng.gauss(0, sigma_km), rng.gauss(0, sigma_km)
    return (
        round(lat + dy / KM_PER_DEG_LAT, 6),
        round(lng + dx / (KM_PER_DEG_LAT * math.cos(math.radians(lat))), 6),
    )


def pick_metro():
    roll, acc = rng.random(), 0.0
    for metro in METROS:
        acc += metro[3]
        if roll <= acc:
            return metro
    return METROS[0]


def copy_model(model, rows, *, extra_columns=()):
    """COPY dict rows (attname -> value) into the model's table; fields left out get the
    model's default (so columns other engineers add with a default need nothing here).
    `extra_columns`: columns outside the model, given in every row."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and not any("id" in r for r in rows[:1]))
    ]
    defaults = {}
    for field in fields:
        if field.has_default():
            defaults[field.attname] = field.get_default
        elif field.null or field.blank:
            defaults[field.attname] = lambda f=field: None if f.null else ""
    columns = ", ".join([f'"{f.column}"' for f in fields] + [f'"{c}"' for c in extra_columns])
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                values = []
                for field in fields:
                    if field.attname in row:
                        values.append(row[field.attname])
                    elif field.attname in defaults:
                        values.append(defaults[field.attname]())
                    else:
                        raise KeyError(
                            f"{model.__name__}.{field.attname} has no value and no default"
                        )
                copy.write_row(values + [row[column] for column in extra_columns])
    return len(rows)


@contextmanager
def triggers_off():
    """This session's COPYs run no trigger (the bench's database: its owner may)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def copy_m2m(table, columns, rows):
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
    return len(rows)


def next_id(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def reset_sequences():
    with connection.cursor() as cursor:
        for table in [
            "core_user",
            "pros_pro",
            "pros_zonecell",
            "pros_workinghours",
            "pros_pro_services",
            "bookings_bookingrequest",
            "bookings_booking",
            "bookings_proposal",
            "customers_customer",
            "customers_address",
            "customers_paymentmethod",
            "bookings_bookingevent",
            "notifications_notification",
        ]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def wipe():
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE bookings_bookingevent, bookings_counteroffer, bookings_proposal, bookings_booking, "
            "bookings_favorite, bookings_bookingrequest, pros_zonecell, pros_workinghours, pros_timeoff, "
            "pros_pro_services, pros_document, pros_referralinvite, pros_pro, customers_paymentmethod, "
            "customers_address, customers_customer, notifications_notification, core_auditevent, "
            "knox_authtoken, axes_accessattempt, core_user RESTART IDENTITY CASCADE"
        )


def make_customers(count):
    """`count` customers with a card and one address near a metro centre."""
    from django.contrib.auth import get_user_model

    first_user, first_customer, first_address = (
        next_id("core_user"),
        next_id("customers_customer"),
        next_id("customers_address"),
    )
    now = timezone.now()
    users, customers, addresses, cards = [], [], [], []
    for i in range(count):
        user_id, customer_id, address_id = first_user + i, first_customer + i, first_address + i
        users.append(
            {
                "id": user_id,
                "email": f"bench-customer-{user_id}@example.com",
                "password": "!",
                "first_name": "Client",
                "last_name": str(i),
                "date_joined": now,
            }
        )
        customers.append({"id": customer_id, "user_id": user_id, "created_at": now})
        _name, lat, lng, _share = pick_metro()
        lat, lng = point_near(lat, lng, 4)
        addresses.append(
            {
                "id": address_id,
                "customer_id": customer_id,
                "label": "home",
                "street": f"{i} rue du Banc",
                "postal_code": "75001",
                "city": "Ville",
                "lat": lat,
                "lng": lng,
                "h3_cell": cell_of(lat, lng),
                "created_at": now,
            }
        )
        cards.append(
            {
                "customer_id": customer_id,
                "gateway": "fake",
                "gateway_payment_method_id": f"pm_{customer_id}",
                "brand": "visa",
                "last4": "4242",
                "exp_month": 12,
                "exp_year": 2034,
                "created_at": now,
            }
        )
    copy_model(get_user_model(), users)
    copy_model(Customer, customers)
    copy_model(Address, addresses)
    copy_model(PaymentMethod, cards)
    reset_sequences()
    return list(
        Customer.objects.filter(pk__gte=first_customer).select_related("user").order_by("pk")
    )


@functools.cache
def _week_hours(days: tuple, first_hour: int, last_hour: int) -> str:
    """What pros migration 0009's trigger stores for these hours, asked of its own SQL rule
    (`pros_week_range`): a few hundred distinct patterns, not one call per zone cell."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(range_agg(pros_week_range(d, %s::time, %s::time)), '{}')::text"
            " FROM unnest(%s::integer[]) AS d",
            [f"{first_hour:02d}:00", f"{last_hour:02d}:00", list(days)],
        )
        return cursor.fetchone()[0]


def _booked(pro_ids: list) -> dict:
    """What bookings migration 0008's trigger stores for these pros (`booked`, `booked_from`,
    `booked_until`), asked of its own SQL rule (`bookings_pro_booked`): one call per pro, not
    per zone cell."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, b.booked::text, now()::text, b.booked_until::text"
            " FROM unnest(%s::bigint[]) AS id CROSS JOIN LATERAL bookings_pro_booked(id) b",
            [pro_ids],
        )
        return {pro_id: values for pro_id, *values in cursor.fetchall()}


def add_pros(count, *, week_start, services_by_category, customers):
    """COPY `count` active, verified pros with zones, hours, services, a week of bookings and
    the proposals they accepted for them."""
    from django.contrib.auth import get_user_model

    from pros.models import Pro, WorkingHours, ZoneCell

    now = timezone.now()
    first_user, first_pro = next_id("core_user"), next_id("pros_pro")
    request_id, booking_id = next_id("bookings_bookingrequest"), next_id("bookings_booking")
    users, pros, cells, hours, offers, requests, bookings, proposals = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    categories = list(services_by_category)
    buffer = settings.DISPATCH_TRAVEL_BUFFER
    # Every booked session is of the category's first service, at its catalogue price.
    snapshots = {
        category: services[0].price_snapshot()
        for category, services in services_by_category.items()
    }
    for i in range(count):
        user_id, pro_id = first_user + i, first_pro + i
        users.append(
            {
                "id": user_id,
                "email": f"bench-pro-{user_id}@example.com",
                "password": "!",
                "first_name": "Pro",
                "last_name": str(pro_id),
                "date_joined": now,
            }
        )
        score = max(0, min(100, int(rng.gauss(55, 15))))
        _metro, clat, clng, _share = pick_metro()
        lat, lng = point_near(clat, clng, 5)
        radius = rng.choice([3, 5, 5, 8, 8, 10, 12, 15])
        pros.append(
            {
                "id": pro_id,
                "user_id": user_id,
                "status": "active",
                "slug": f"bench-{pro_id}",
                "referral_code": f"B{pro_id:010d}",
                "terms_accepted_at": now,
                "created_at": now,
                "base_address": "base",
                "base_lat": lat,
                "base_lng": lng,
                "radius_km": radius,
                "id_verified_at": now,
                "score": score,
                "completed_sessions_count": rng.randint(0, 40),
            }
        )
        category = rng.choices(categories, weights=[6, 2, 1, 1][: len(categories)])[0]
        offered = services_by_category[category]
        service_ids = [
            service.pk
            for service in [offered[0], *rng.sample(offered[1:], k=min(2, len(offered) - 1))]
        ]
        offers.extend((pro_id, service_id) for service_id in service_ids)
        first_hour, last_hour = rng.choice([(7, 15), (8, 18), (9, 19), (10, 20), (8, 20)])
        days = sorted(rng.sample(range(7), k=rng.choice([4, 5, 5, 6])))
        week_hours = _week_hours(tuple(days), first_hour, last_hour)
        for cell, metres in zone_cells(lat, lng, radius):
            cells.append(
                {
                    "pro_id": pro_id,
                    "cell": cell,
                    "distance_m": metres,
                    "score": score,
                    "dispatchable": True,
                    "offered_services": sorted(service_ids),
                    "week_hours": week_hours,
                }
            )
        for day in days:
            hours.append(
                {
                    "pro_id": pro_id,
                    "weekday": day,
                    "start_time": f"{first_hour:02d}:00",
                    "end_time": f"{last_hour:02d}:00",
                }
            )
        # A week of bookings: none, one or two sessions per working day.
        for day_offset in range(7):
            day_date = week_start + timedelta(days=day_offset)
            if day_date.weekday() not in days:
                continue
            midnight = clock.paris_datetime(day_date, datetime.min.time())
            slot = midnight + timedelta(hours=first_hour)
            for _n in range(rng.choice([0, 1, 1, 2])):
                slot += timedelta(minutes=rng.choice([0, 30, 60, 90]))
                # Two hours whatever the service, as the figures in the README were measured.
                end = slot + timedelta(hours=2)
                if end > midnight + timedelta(hours=last_hour):
                    break
                customer = customers[rng.randrange(len(customers))]
                common = {
                    "customer_id": customer.pk,
                    "service_id": offered[0].pk,
                    "address_id": customer.bench_address_id,
                    "start": slot,
                    "end": end,
                    **snapshots[category],
                }
                requests.append(
                    {
                        "id": request_id,
                        **common,
                        "status": "confirmed",
                        "booking_deadline": booking_deadline(slot),
                        "created_at": now,
                    }
                )
                bookings.append(
                    {
                        "id": booking_id,
                        "request_id": request_id,
                        "pro_id": pro_id,
                        **common,
                        **Booking.ranges(slot, end),
                        "status": "confirmed",
                        "created_at": now,
                    }
                )
                sent = now - timedelta(hours=rng.randint(1, 160))
                proposals.append(
                    {
                        "request_id": request_id,
                        "pro_id": pro_id,
                        "status": "accepted",
                        "sent_at": sent,
                        "expires_at": sent + timedelta(minutes=30),
                        "answered_at": sent,
                    }
                )
                request_id += 1
                booking_id += 1
                slot = end + buffer
    copy_model(get_user_model(), users)
    copy_model(Pro, pros)
    copy_model(BookingRequest, requests)
    # The zone cells carry the pros' services and hours (pros migration 0009) and coming busy
    # periods (bookings 0008), written here with triggers off rather than by those triggers,
    # one call per row and one refresh of every cell of the pro per booking (that doubled the
    # set-up time and more). Foreign keys are not checked either: the rows are consistent.
    with triggers_off():
        copy_model(Booking, bookings)
        booked = _booked([pro["id"] for pro in pros])
        columns = ("booked", "booked_from", "booked_until")
        for cell in cells:
            cell.update(zip(columns, booked[cell["pro_id"]], strict=True))
        copy_model(ZoneCell, cells, extra_columns=("offered_services", "week_hours", *columns))
        copy_model(WorkingHours, hours)
        copy_m2m("pros_pro_services", ["pro_id", "service_id"], offers)
    copy_model(Proposal, proposals)
    reset_sequences()
    settle()
    return {"zone_cells": len(cells), "bookings": len(bookings)}


def settle():
    """Bring the freshly copied tables to a steady state before measuring: VACUUM builds their
    visibility maps (index-only scans then skip the heap, and autovacuum has nothing left to do
    during the measurement), ANALYZE their statistics, CHECKPOINT writes the dirty pages out."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


# --- measurements -------------------------------------------------------------------------------


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# The shape the candidate query had before issue 13, kept here as the baseline: the walk over
# the zone cells is an ORDER BY ... FETCH FIRST WITH TIES, so stopping early is the planner's
# choice (at 10,000 pros it often chose a bitmap scan of the whole cell and a sort).
_OLD_RANKED = (
    """
WITH priority AS (
    SELECT pro_id, MIN(rank) AS rank FROM (
        SELECT f.pro_id, %(rank_favorite)s AS rank FROM bookings_favorite f
        WHERE f.customer_id = %(customer)s
        UNION ALL
        SELECT DISTINCT b.pro_id, %(rank_past)s FROM bookings_booking b
        WHERE b.customer_id = %(customer)s AND b.status = 'completed'
    ) s GROUP BY pro_id
),
preferred AS (
    SELECT zc.pro_id, p.rank, zc.score, zc.distance_m
    FROM priority p
    JOIN pros_zonecell zc ON zc.pro_id = p.pro_id AND zc.cell = %(cell)s AND zc.dispatchable
    WHERE """
    + candidate_sql.ELIGIBLE.format(pro="zc.pro_id")
    + """
),
walked AS (
    SELECT zc.pro_id, %(rank_other)s AS rank, zc.score, zc.distance_m
    FROM pros_zonecell zc
    WHERE zc.cell = %(cell)s AND zc.dispatchable
      AND zc.pro_id NOT IN (SELECT pro_id FROM priority)
      AND """
    + candidate_sql.ELIGIBLE.format(pro="zc.pro_id")
    + """
    ORDER BY zc.score DESC, zc.distance_m
    FETCH FIRST %(limit)s ROWS WITH TIES
),
found AS (SELECT * FROM preferred UNION ALL SELECT * FROM walked)
SELECT found.pro_id, found.rank, found.score, found.distance_m,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = found.pro_id AND NOT r.is_bonus AND r.sent_at >= %(since)s) AS recent
FROM found
ORDER BY found.rank, found.score DESC, found.distance_m, recent, found.pro_id
LIMIT %(limit)s
"""
)
PLAN_SAMPLES = int(os.environ.get("BENCH_PLAN_SAMPLES", "40"))


def probe_requests(customers, service, week_start, count):
    """`count` requests at random addresses and working-day times (cancelled, so nothing
    dispatches them), saved so the query's "not asked yet" probe has a real id."""
    probe = []
    for _ in range(count):
        customer = customers[rng.randrange(len(customers))]
        day = week_start + timedelta(days=rng.randrange(7))
        start = clock.paris_datetime(day, datetime.min.time()) + timedelta(
            hours=rng.choice(range(9, 17)), minutes=rng.choice([0, 30])
        )
        probe.append(
            BookingRequest(
                customer=customer,
                service=service,
                address_id=customer.bench_address_id,
                start=start,
                end=start + timedelta(minutes=service.duration_minutes),
                **service.price_snapshot(),
                booking_deadline=booking_deadline(start),
                status="cancelled",
            )
        )
    BookingRequest.objects.bulk_create(probe)
    addresses = {a.pk: a for a in Address.objects.filter(pk__in={r.address_id for r in probe})}
    for request in probe:
        request.address = addresses[request.address_id]
    return probe


def _timed(run):
    began = time.perf_counter()
    result = run()
    return (time.perf_counter() - began) * 1000, result


def _old_query(request, limit):
    params = dispatch_candidates.candidate_params(request, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(_OLD_RANKED, params)
        return cursor.fetchall()


def _select_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchall()


def measure_candidates(probe, limit):
    """candidates_for over the probe requests, interleaved with two baselines measured in the
    same loop (so load on the machine weighs on all three alike): the old query shape and a
    `SELECT 1` round trip."""
    new, old, ping, found = [], [], [], []
    for request in probe[:20]:  # warm up
        candidates_for(request, limit=limit)
        _old_query(request, limit)
    for request in probe:
        elapsed, rows = _timed(lambda r=request: candidates_for(r, limit=limit))
        new.append(elapsed)
        found.append(len(rows))
        old.append(_timed(lambda r=request: _old_query(r, limit))[0])
        ping.append(_timed(_select_one)[0])
    return new, old, ping, found


def _walks_the_index(plan, unbounded_sort=False) -> bool:
    """Whether every scan of pros_zonecell by cell (not the favourites' lookups by pro) in this
    plan (EXPLAIN FORMAT JSON) is an index walk that no Sort reads to its end (a Limit between
    the Sort and the scan bounds what it reads)."""
    node = plan["Node Type"]
    if plan.get("Parent Relationship") in ("InitPlan", "SubPlan"):
        unbounded_sort = False
    if plan.get("Relation Name") == "pros_zonecell":
        conditions = " ".join(
            str(plan.get(key, "")) for key in ("Index Cond", "Recheck Cond", "Filter")
        )
        if "pro_id =" not in conditions:
            if node not in ("Index Scan", "Index Only Scan") or unbounded_sort:
                return False
    if node in ("Sort", "Incremental Sort"):
        unbounded_sort = True
    elif node == "Limit":
        unbounded_sort = False
    return all(_walks_the_index(child, unbounded_sort) for child in plan.get("Plans", []))


def _call_params(request, limit):
    params = dispatch_candidates.candidate_params(request, limit=limit)
    return {key: params[key] for key in candidate_sql.PARAMETER_TYPES}


def function_plans(request, limit, fmt="json"):
    """The plans of the statements the candidate function ran for this request, as PostgreSQL
    executed them (auto_explain, nested statements, sent back as notices)."""
    raw = connection.connection
    notices = []

    def collect(diagnostic):
        notices.append(diagnostic.message_primary or "")

    raw.add_notice_handler(collect)
    try:
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            cursor.execute(
                "SELECT set_config('auto_explain.log_min_duration', '0', false), "
                "set_config('auto_explain.log_nested_statements', 'on', false), "
                "set_config('auto_explain.log_level', 'notice', false), "
                "set_config('auto_explain.log_format', %s, false)",
                [fmt],
            )
            cursor.execute(candidate_sql.CALL, _call_params(request, limit))
            cursor.fetchall()
            cursor.execute("SELECT set_config('auto_explain.log_min_duration', '-1', false)")
    finally:
        raw.remove_notice_handler(collect)
    plans = [n.split("plan:", 1)[1].strip() for n in notices if "plan:" in n]
    if fmt == "json":
        return [json.loads(plan)["Plan"] for plan in plans]
    return plans


def plan_walks(request, limit) -> bool:
    """Whether the candidate function walked the zone-cell index for this request."""
    plans = function_plans(request, limit)
    return bool(plans) and all(_walks_the_index(plan) for plan in plans)


def old_plan_walks(request, limit) -> bool:
    params = dispatch_candidates.candidate_params(request, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + _OLD_RANKED, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return _walks_the_index(plan[0]["Plan"])


def explain_sample(probe, limit=3):
    """The walk's chunk query as the function ran it (the first chunk) for one request."""
    for plan in function_plans(probe[0], limit, fmt="text"):
        if "pros_zonecell zc" in plan and "v_size" in plan or "zc.score <" in plan:
            return plan
    return "\n\n".join(function_plans(probe[0], limit, fmt="text"))


def start_worker_process(pool="threads", concurrency=4):
    env = {**os.environ}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wecasa",
        "worker",
        "-Q",
        QUEUE,
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "WARNING",
    ]
    # The worker's log goes to a file: a pipe nobody reads would block it once full.
    log = open(Path(tempfile.gettempdir()) / f"{QUEUE}-worker.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    from wecasa.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until it answers a ping
        replies = app.control.ping(timeout=0.5)
        if replies:
            return process
    process.terminate()
    log.seek(0)
    raise SystemExit("the Celery worker did not start: " + log.read().decode()[-2000:])


def wait_for(check, timeout=10.0, interval=0.001):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    return None


def measure_latency(customers, service):
    """POST -> first proposal visible, and refusal -> next proposal, through the API and a worker."""
    from rest_framework.test import APIClient

    from pros.models import Pro

    client = APIClient()
    post_ms, refusal_ms = [], []
    paris = [c for c in customers if c.bench_metro == "Paris"]
    day = clock.today() + timedelta(days=4)
    hours = iter(range(10_000))
    for i in range(LATENCY_SAMPLES):
        customer = paris[i % len(paris)]
        # Spread over days and hours so the requests do not compete for the same pros.
        offset = next(hours)
        start = clock.paris_datetime(
            day + timedelta(days=offset // 6), datetime.min.time()
        ) + timedelta(hours=10 + (offset % 6))
        client.force_authenticate(customer.user)
        began = time.perf_counter()
        response = client.post(
            "/api/v1/booking-requests",
            {
                "service": service.pk,
                "address": customer.bench_address_id,
                "start": start.isoformat(),
            },
            format="json",
        )
        if response.status_code != 201:
            print("  POST refused:", response.status_code, response.content[:200])
            continue
        request_id = response.json()["id"]
        first = wait_for(
            lambda rid=request_id: Proposal.objects.filter(request_id=rid, status="sent").first()
        )
        if first is None:
            print("  no proposal for request", request_id)
            continue
        post_ms.append((time.perf_counter() - began) * 1000)
        pro = Pro.objects.select_related("user").get(pk=first.pro_id)
        client.force_authenticate(pro.user)
        began = time.perf_counter()
        client.post(f"/api/v1/pro/proposals/{first.pk}/refuse")
        following = wait_for(
            lambda rid=request_id, pid=first.pk: (
                Proposal.objects.filter(request_id=rid, status="sent").exclude(pk=pid).exists()
            )
        )
        if following:
            refusal_ms.append((time.perf_counter() - began) * 1000)
    return post_ms, refusal_ms


def summary(values):
    if not values:
        return "no samples"
    return f"p50 {statistics.median(values):6.2f} ms   p95 {percentile(values, 95):6.2f} ms   (n={len(values)})"


def p50_p95(values):
    return statistics.median(values), percentile(values, 95)


STEP_REQUESTS = int(os.environ.get("BENCH_STEP_REQUESTS", "300"))


def _step_requests(customers, service, count, *, status="dispatching"):
    """`count` due requests of distinct customers, >= 48 h ahead (a wave of one pro)."""
    now = clock.now()
    day = clock.today() + timedelta(days=3)
    rows = []
    for i in range(count):
        customer = customers[i % len(customers)]
        slot = i // len(customers) * 5 + i % 5
        start = clock.paris_datetime(day + timedelta(days=slot % 5), datetime.min.time())
        start += timedelta(hours=9 + (slot // 5) % 8)
        rows.append(
            BookingRequest(
                customer=customer,
                service=service,
                address_id=customer.bench_address_id,
                start=start,
                end=start + timedelta(minutes=service.duration_minutes),
                **service.price_snapshot(),
                booking_deadline=booking_deadline(start),
                status=status,
                next_dispatch_at=now,
            )
        )
    return [r.pk for r in BookingRequest.objects.bulk_create(rows)], now


def _rate_through_worker(ids, due_at):
    """Publish a wake-up per request to the worker; the rate at which their steps ran (a step
    moves the request's due time off `due_at`)."""
    from bookings import tasks

    def stepped():
        return BookingRequest.objects.filter(pk__in=ids).exclude(next_dispatch_at=due_at).count()

    began = time.perf_counter()
    for request_id in ids:
        tasks.dispatch_request.apply_async((request_id,), queue=QUEUE)
    finished = wait_for(lambda: stepped() >= len(ids), timeout=180, interval=0.02)
    elapsed = time.perf_counter() - began
    return len(ids) / elapsed if finished else 0.0


def measure_step_rate(customers, service):
    """Steps per second through one worker process (`--pool solo`: one task at a time) for
    requests that each get their first proposal, against the same worker's rate of empty
    steps (a closed request with a stale due time: lock, clear, commit), same run. A burst of
    wake-ups, as at a busy hour: each wake-up also steps up to DISPATCH_WAKE_BATCH other due
    requests in its transaction (bookings.dispatch.engine.booking_request_wake), and the later
    wake-ups of those find nothing due."""
    paris = [c for c in customers if c.bench_metro == "Paris"]
    half = len(paris) // 2
    closed, due_at = _step_requests(paris[:half], service, STEP_REQUESTS, status="cancelled")
    empty_rate = _rate_through_worker(closed, due_at)
    due, due_at = _step_requests(paris[half:], service, STEP_REQUESTS)
    step_rate = _rate_through_worker(due, due_at)
    with_proposal = (
        Proposal.objects.filter(request_id__in=due, status="sent").values("request_id").distinct()
    ).count()
    BookingRequest.objects.filter(pk__in=closed + due).update(
        status="cancelled", next_dispatch_at=None
    )
    return step_rate * with_proposal / len(due), step_rate, empty_rate


def main():
    started = time.monotonic()
    print(f"database: {BENCH_DB}   broker: {BROKER}   queue: {QUEUE}")
    print(
        "Each figure is printed with a baseline measured in the same run (interleaved), so the "
        "ratios hold when the machine is loaded."
    )
    call_command("migrate", verbosity=0)
    wipe()
    services_by_category = {}
    for service in Service.objects.select_related("category").order_by("pk"):
        services_by_category.setdefault(service.category.slug, []).append(service)
    service = Service.objects.get(slug="menage-2h")
    # menage-2h first in the cleaning list, so most cleaning pros offer it.
    services_by_category["cleaning"].sort(key=lambda s: s.slug != "menage-2h")

    customers = make_customers(int(os.environ.get("BENCH_CUSTOMERS", "20000")))
    addresses = {a.customer_id: a for a in Address.objects.filter(customer__in=customers)}
    for customer in customers:
        address = addresses[customer.pk]
        customer.bench_address_id = address.pk
        customer.bench_metro = min(
            METROS,
            key=lambda m: (float(address.lat) - m[1]) ** 2 + (float(address.lng) - m[2]) ** 2,
        )[0]
    week_start = clock.today() + timedelta(days=1)

    verdicts = []
    total = 0
    probe = []
    for size in SIZES:
        step = time.monotonic()
        added = add_pros(
            size - total,
            week_start=week_start,
            services_by_category=services_by_category,
            customers=customers,
        )
        total = size
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pros_zonecell")
            cells = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM pros_zonecell WHERE cell = %s AND dispatchable",
                [cell_of(48.8566, 2.3522)],
            )
            central = cursor.fetchone()[0]
        print(
            f"\n{size:,} pros ({cells:,} zone cells, +{added['bookings']:,} bookings) set up in "
            f"{time.monotonic() - step:.1f} s; {central:,} cover the central Paris cell"
        )
        print(
            "   K | candidates_for p50 / p95 | old shape p50 / p95 | SELECT 1 p50 | new/old p50 "
            "| found | target p50<=2, p95<=3 ms"
        )
        walked_new = walked_old = sampled = 0
        for limit in LIMITS:
            probe = probe_requests(customers, service, week_start, QUERY_SAMPLES)
            new, old, ping, found = measure_candidates(probe, limit)
            (n50, n95), (o50, o95) = p50_p95(new), p50_p95(old)
            met = n50 <= 2 and n95 <= 3
            verdicts.append((f"candidates {size:,} pros K={limit}", met))
            print(
                f"  {limit:2d} | {n50:8.2f} / {n95:6.2f} ms | {o50:9.2f} / {o95:6.2f} ms "
                f"| {statistics.median(ping):8.3f} ms | x{n50 / o50:9.2f} "
                f"| {statistics.mean(found):5.2f} | {'met' if met else 'NOT met'}"
            )
            for request in probe[:PLAN_SAMPLES]:
                sampled += 1
                walked_new += plan_walks(request, limit)
                walked_old += old_plan_walks(request, limit)
            if limit != LIMITS[-1] or size != SIZES[-1]:
                BookingRequest.objects.filter(pk__in=[r.pk for r in probe]).delete()
        share_new, share_old = 100 * walked_new / sampled, 100 * walked_old / sampled
        verdicts.append((f"plans walking the index at {size:,} pros", walked_new == sampled))
        print(
            f"  sampled plans (EXPLAIN FORMAT JSON, {sampled}) that walk the zone-cell index: "
            f"{share_new:.0f} % (old shape: {share_old:.0f} %; target 100 %)"
        )
    print("\nthe walk's chunk query as the candidate function ran it, largest size (K=3):")
    print("\n".join("    " + line for line in explain_sample(probe).splitlines()[:45]))
    BookingRequest.objects.filter(pk__in=[r.pk for r in probe]).delete()

    print("\ndispatch steps through one worker process (first proposals; baseline: empty steps):")
    for pool, concurrency in (("solo", 1), ("threads", 4)):
        worker = start_worker_process(pool=pool, concurrency=concurrency)
        try:
            proposal_rate, step_rate, empty_rate = measure_step_rate(customers, service)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        met = proposal_rate >= 150
        if pool == "threads":
            verdicts.append(("first proposals per second per worker process >= 150", met))
        print(
            f"  --pool {pool} -c {concurrency}: first proposals {proposal_rate:6.1f}/s "
            f"({step_rate:.1f} steps/s); empty steps {empty_rate:6.1f}/s; ratio "
            f"{step_rate / max(empty_rate, 1e-9):.2f}; target >= 150/s: {'met' if met else 'NOT met'}"
        )

    print("\nend to end with a real Celery worker (API -> Redis -> worker -> PostgreSQL):")
    worker = start_worker_process()
    try:
        post_ms, refusal_ms = measure_latency(customers, service)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(
        f"  POST /api/v1/booking-requests -> proposal visible to the first pro: {summary(post_ms)}"
    )
    print(
        f"  refusal -> next pro's proposal visible:                           {summary(refusal_ms)}"
    )
    from wecasa.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE + "-notifications")
    missed = [name for name, met in verdicts if not met]
    print(
        f"\ntargets: {len(verdicts) - len(missed)} of {len(verdicts)} met"
        + ("" if not missed else "; not met: " + ", ".join(missed))
    )
    print(f"total bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
