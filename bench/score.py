"""Pro score benchmark (`make bench`): prints figures, is not part of the test run.

100,000 pros (BENCH_SCORE_PROS), each with 30 score events in the last 90 days
(BENCH_SCORE_EVENTS_PER_PRO: answers, expiries, refusals, sessions, ratings, rebookings,
favourites) and a zone of 61 cells (BENCH_SCORE_CELLS_PER_PRO: a 10 km radius at h3
resolution 7) drawn from a shared metro-sized pool of cells:
- the nightly recompute (pros.scoring.nightly.score_recompute_all, set-based, one statement
  per chunk of 5,000 pros): a dry run (computing only), the first real run (every score
  moves from the neutral 50: pros and zone cells written), a second run (nothing changes);
  target: 100,000 pros in seconds;
- the recompute after one event (pros.scoring.score_recompute, one statement: the pro and
  their zone cells), p50/p95 over 300 pros whose score changes and whose does not;
- its cost against the zone size (100 to 3,000 cells: the cells' UPDATE moves their entries
  in the candidate index, so it grows with the cells, once per score change);
- the explanation (My score page: 12 weekly points in one statement).

Uses its OWN database (BENCH_SCORE_DATABASE_URL, default .../wecasa_bench_score, created and
migrated here). Data are written with COPY.
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get(
    "BENCH_SCORE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench_score"
)
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")

PROS = int(os.environ.get("BENCH_SCORE_PROS", "100000"))
EVENTS_PER_PRO = int(os.environ.get("BENCH_SCORE_EVENTS_PER_PRO", "30"))
CELLS_PER_PRO = int(os.environ.get("BENCH_SCORE_CELLS_PER_PRO", "61"))
CELL_POOL = 4000  # distinct cells of a metro area the zones overlap in
ZONE_SIZES = [100, 500, 1500, 3000]
SAMPLES = 300
SEED = 13
# (kind, share, weighs)
KINDS = [
    ("answered", 0.50, True),
    ("expired", 0.10, True),
    ("refused", 0.15, False),
    ("honoured", 0.15, True),
    ("rating", 0.05, True),
    ("rebooked", 0.03, True),
    ("favourite", 0.02, True),
]


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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from core import clock  # noqa: E402
from pros import scoring  # noqa: E402
from pros.models import Pro, ScoreEvent, ZoneCell  # noqa: E402
from pros.scoring.nightly import score_recompute_all  # noqa: E402

rng = random.Random(SEED)


def copy_rows(model, rows):
    """COPY dict rows (attname -> value); fields left out get the model's default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or "id" in rows[0]]
    defaults = {}
    for field in fields:
        if field.has_default():
            defaults[field.attname] = field.get_default
        elif field.null or field.blank:
            defaults[field.attname] = lambda f=field: None if f.null else ""
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    [row[f.attname] if f.attname in row else defaults[f.attname]() for f in fields]
                )


def pick_kind() -> tuple[str, bool]:
    roll = rng.random()
    for kind, share, weighs in KINDS:
        if roll < share:
            return kind, weighs
        roll -= share
    return KINDS[-1][0], KINDS[-1][2]


def copy_cells_without_triggers(rows):
    """COPY zone cells with triggers off: their trigger-kept columns (pros 0009, bookings 0008)
    are not what this bench measures and keep their defaults (the nightly scores do not read
    them), and the set-up skips millions of trigger calls. Foreign keys are not checked either:
    the pros were copied just before."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        copy_rows(ZoneCell, rows)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def wipe():
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE pros_scoreevent, pros_zonecell, pros_workinghours, pros_timeoff, "
            "pros_pro_services, pros_document, pros_referralinvite, pros_pro, core_auditevent, "
            "core_user RESTART IDENTITY CASCADE"
        )


def populate(pros: int) -> None:
    now = clock.now()
    chunk = 10_000
    for first in range(1, pros + 1, chunk):
        ids = range(first, min(first + chunk, pros + 1))
        copy_rows(
            get_user_model(),
            [
                {
                    "id": pk,
                    "email": f"bench-pro-{pk}@example.com",
                    "password": "!",
                    "first_name": "Pro",
                    "last_name": str(pk),
                    "date_joined": now,
                }
                for pk in ids
            ],
        )
        copy_rows(
            Pro,
            [
                {
                    "id": pk,
                    "user_id": pk,
                    "status": "active",
                    "slug": f"bench-{pk}",
                    "referral_code": f"B{pk:09d}",
                    "terms_accepted_at": now,
                    "created_at": now,
                    "id_verified_at": now,
                    "score": 50,
                }
                for pk in ids
            ],
        )
        copy_cells_without_triggers(
            [
                {
                    "pro_id": pk,
                    "cell": cell,
                    "distance_m": rng.randrange(0, 10_000),
                    "score": 50,
                    "dispatchable": True,
                }
                for pk in ids
                for cell in rng.sample(range(CELL_POOL), CELLS_PER_PRO)
            ],
        )
        events = []
        for pk in ids:
            for index in range(EVENTS_PER_PRO):
                kind, weighs = pick_kind()
                at = now - timedelta(seconds=rng.uniform(0, 89 * 86400))
                events.append(
                    {
                        "pro_id": pk,
                        "kind": kind,
                        "at": at,
                        "weighs": weighs,
                        "value": (
                            rng.randint(1, 5)
                            if kind == "rating"
                            else rng.randint(20, 1800)
                            if kind in ("answered", "refused")
                            else None
                        ),
                        "allowed": 1800 if kind in ("answered", "refused", "expired") else None,
                        "ref": f"x:{index}",
                        "data": "{}",
                    }
                )
        copy_rows(ScoreEvent, events)
        print(f"  {min(first + chunk - 1, pros):,} pros written", end="\r", flush=True)
    with connection.cursor() as cursor:
        for table in ("core_user", "pros_pro", "pros_zonecell", "pros_scoreevent"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        cursor.execute("ANALYZE pros_pro, pros_zonecell, pros_scoreevent")
    print()


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def per_event(pro_ids, *, change: bool):
    """Milliseconds of one pro's recompute, the score changing (reset first) or not."""
    timings = []
    for pk in pro_ids:
        if change:
            Pro.objects.filter(pk=pk).update(score=0)
        _result, seconds = timed(lambda pk=pk: scoring.score_recompute(pro_ids=[pk]))
        timings.append(seconds * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def zone_series():
    """One extra pro per zone size: the recompute when the score changes, cells included."""
    now = clock.now()
    rows = []
    for size in ZONE_SIZES:
        pk = Pro.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
        copy_rows(
            get_user_model(),
            [
                {
                    "id": pk,
                    "email": f"bench-zone-{pk}@example.com",
                    "password": "!",
                    "date_joined": now,
                }
            ],
        )
        copy_rows(
            Pro,
            [
                {
                    "id": pk,
                    "user_id": pk,
                    "status": "active",
                    "slug": f"bench-zone-{pk}",
                    "referral_code": f"Z{pk:09d}",
                    "terms_accepted_at": now,
                    "created_at": now,
                    "id_verified_at": now,
                    "score": 50,
                }
            ],
        )
        copy_rows(
            ZoneCell,
            [
                {
                    "pro_id": pk,
                    "cell": cell,
                    "distance_m": rng.randrange(0, 30_000),
                    "score": 50,
                    "dispatchable": True,
                }
                for cell in rng.sample(range(CELL_POOL * 2), size)
            ],
        )
        copy_rows(
            ScoreEvent,
            [
                {
                    "pro_id": pk,
                    "kind": "answered",
                    "at": now - timedelta(days=i),
                    "weighs": True,
                    "value": 60,
                    "allowed": 1800,
                    "ref": f"z:{i}",
                    "data": "{}",
                }
                for i in range(10)
            ],
        )
        timings = []
        for _round in range(15):
            Pro.objects.filter(pk=pk).update(score=0)
            ZoneCell.objects.filter(pro_id=pk).update(score=0)
            result, seconds = timed(lambda pk=pk: scoring.score_recompute(pro_ids=[pk]))
            assert result.cells == size, result
            timings.append(seconds * 1000)
        unchanged = [
            timed(lambda pk=pk: scoring.score_recompute(pro_ids=[pk]))[1] * 1000
            for _round in range(15)
        ]
        rows.append((size, statistics.median(timings), statistics.median(unchanged)))
    return rows


def main():
    print(
        f"Pro score benchmark: {PROS:,} pros, {EVENTS_PER_PRO} events and "
        f"{CELLS_PER_PRO} zone cells each ({BENCH_DB.rsplit('/', 1)[1]})"
    )
    call_command("migrate", verbosity=0, interactive=False)
    wipe()
    _none, seconds = timed(lambda: populate(PROS))
    print(
        f"setup: {seconds:.0f} s ({PROS * EVENTS_PER_PRO:,} events, "
        f"{PROS * CELLS_PER_PRO:,} zone cells)"
    )

    dry, seconds = timed(lambda: score_recompute_all(dry_run=True))
    print(
        f"nightly, dry run:    {dry.pros:,} pros in {seconds:.1f} s "
        f"({dry.pros / seconds:,.0f} pros/s); {dry.changed:,} would change "
        f"({dry.cells:,} cells)"
    )
    first, seconds = timed(lambda: score_recompute_all())
    print(
        f"nightly, first run:  {first.pros:,} pros in {seconds:.1f} s; "
        f"{first.changed:,} changed, {first.cells:,} zone cells written "
        f"({first.cells / seconds:,.0f} cells/s)"
    )
    again, seconds = timed(lambda: score_recompute_all())
    print(f"nightly, second run: {again.pros:,} pros in {seconds:.1f} s; {again.changed:,} changed")

    sample = rng.sample(range(1, PROS + 1), min(SAMPLES, PROS))
    p50, p95 = per_event(sample, change=True)
    print(f"one event, score changes ({CELLS_PER_PRO} cells): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    p50, p95 = per_event(sample, change=False)
    print(f"one event, score unchanged:            p50 {p50:.2f} ms, p95 {p95:.2f} ms")

    print("one event against the zone size (median ms: score changes / unchanged):")
    for size, changed, unchanged in zone_series():
        print(f"  {size:>5} cells: {changed:7.2f} / {unchanged:5.2f}")

    pro = Pro.objects.get(pk=sample[0])
    _explained, seconds = timed(lambda: scoring.score_explained(pro))
    print(f"My score page's explanation (12 weekly points, one statement): {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
