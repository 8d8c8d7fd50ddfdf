"""Every pro's score again: events leave the 90-day window by time alone, so the nightly beat
job (and `manage.py recompute_scores`) recomputes everyone. Set-based: one statement per chunk
of pro ids, each in its own short transaction (a pro answering a proposal never waits long
for the chunk holding their row). Runs do not overlap: every chunk's transaction takes a
transaction-level advisory lock, and a run that finds it held stops there (another run is
writing a chunk). A transaction-level lock, not a session one: behind PgBouncer in
transaction mode a session lock would stay on whichever server connection took it. Two runs
that never meet on the lock only do the work twice: a score is a function of the events as of
`now`, so either result is right."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max, Min

from core import clock

from ..models import Pro
from .compute import SCORED_SQL, formula_params, score_recompute_range

CHUNK = 5_000
# pg advisory lock key of the nightly run ("score" in ASCII).
LOCK_KEY = 0x73636F7265

_DRY_RUN = (
    "WITH "
    + SCORED_SQL.format(
        points="SELECT id AS pro_id, %(as_of)s::timestamptz AS as_of FROM pros_pro"
        " WHERE id > %(after)s AND id <= %(until)s"
    )
    + """,
changed AS (
    SELECT scored.pro_id, scored.score, p.score AS old
    FROM scored JOIN pros_pro p ON p.id = scored.pro_id
    WHERE p.score <> scored.score
)
SELECT (SELECT count(*) FROM scored), (SELECT count(*) FROM changed),
       (SELECT count(*) FROM pros_zonecell zc JOIN changed ON zc.pro_id = changed.pro_id
        WHERE zc.score <> changed.score),
       (SELECT count(*) FROM changed WHERE score > old)
"""
)


@dataclass
class NightlyResult:
    pros: int = 0
    changed: int = 0  # pros whose score changed (would change, in a dry run)
    cells: int = 0  # zone cells written (would be)
    raised: int = 0  # of the changed, how many went up (dry run only)
    skipped: bool = False  # stopped: another run held the lock


def _try_lock() -> bool:
    """The run's lock for the current transaction (released at its commit or rollback)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        return cursor.fetchone()[0]


def score_recompute_all(
    *,
    now: datetime | None = None,
    chunk: int = CHUNK,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> NightlyResult:
    """Every pro's score as of `now`, stored (with their zone cells) where it changed; with
    `dry_run`, only counted. `progress(done, total)` after each chunk."""
    now = now or clock.now()
    result = NightlyResult()
    bounds = Pro.objects.aggregate(low=Min("id"), high=Max("id"))
    total = Pro.objects.count()
    if bounds["low"] is None:
        return result
    after = bounds["low"] - 1
    while after < bounds["high"]:
        until = after + chunk
        with transaction.atomic():
            if not _try_lock():
                result.skipped = True
                return result
            if dry_run:
                with connection.cursor() as cursor:
                    params = formula_params(as_of=now, after=after, until=until)
                    cursor.execute(_DRY_RUN, params)
                    pros, changed, cells, raised = cursor.fetchone()
                result.raised += raised
            else:
                done = score_recompute_range(after=after, until=until, now=now)
                pros, changed, cells = done.pros, done.changed, done.cells
        result.pros += pros
        result.changed += changed
        result.cells += cells
        after = until
        if progress:
            progress(result.pros, total)
    return result
