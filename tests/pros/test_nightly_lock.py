"""The nightly recompute's one-run-at-a-time lock is transaction-level (PgBouncer in
transaction mode keeps no session state): a run meeting another stops, and a run leaves no
advisory lock behind on its connection."""

from datetime import datetime

import psycopg
import pytest
from django.db import connection

from core.clock import PARIS
from pros.scoring.nightly import LOCK_KEY, score_recompute_all
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def other_session():
    """A second connection to the test database (another worker running the job)."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )


def advisory_locks_held_here() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_run_stops_while_another_holds_the_lock_and_leaves_no_lock_behind():
    for _ in range(3):
        ProFactory(bare_active=True)
    with other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        blocked = score_recompute_all(now=NOW, chunk=1)
        assert blocked.skipped and blocked.pros == 0
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    between_chunks = []
    done = score_recompute_all(
        now=NOW, chunk=1, progress=lambda *_: between_chunks.append(advisory_locks_held_here())
    )
    assert not done.skipped and done.pros == 3
    # Between and after chunks nothing is held on this connection (a session lock would be).
    assert between_chunks and set(between_chunks) == {0}
    assert advisory_locks_held_here() == 0
