"""Live dashboard bench (`make bench`): what 1,000 and 10,000 pros with the dashboard open cost
the server, before (htmx polls the proposal list every 5 s) and after (the server-sent event
stream /pro/live, notifications/views_live.py; polling only while the stream is down).

The server is uvicorn as scripts/run.sh runs it (one ASGI process, no reload) on 127.0.0.1 only;
its CPU is read from /proc/<pid>/stat (user + system, all threads), so the figures are server
CPU seconds per second of wall time (1.0 = one core busy), not a share of the loaded machine.

Before: the cost of one poll of the proposal list (and of the bell, which polled every 20 s;
after, the stream drives it: fetched with the list on an event or a reconnect), measured flat out with a few client threads: server CPU ms per poll and polls/s;
then 1,000 pollers' load (200 polls/s) paced for a few seconds; 10,000 pollers' (2,000/s) is
derived from the CPU per poll (this machine cannot serve it).
After: N real idle streams, held open by one asyncio client: 1,000, then 10,000 (as many as
the file-descriptor limit and the ramp's time budget allow; the rest is extrapolated and said
so); server CPU seconds per second over a window longer than the heartbeat (every stream pings
at least once), the heartbeats counted; the cost of opening a stream measured during the ramp.
Each stream ends after LIVE_STREAM_SECONDS and the browser reconnects and fetches the list and
the bell once: N / LIVE_STREAM_SECONDS reconnects per second, three requests each. Also shown:
the server's threads (/proc/<pid>/status: the stream holds none) and the bench database's
PostgreSQL connections (a guard stops a ramp past
BENCH_LIVE_PG_SAFE connections: the PostgreSQL server is shared).

Bounded: fixed windows, a time budget for the ramps (BENCH_LIVE_RAMP_SECONDS), loopback only; the
server is stopped at the end (and if the bench fails). Own database (BENCH_LIVE_DATABASE_URL,
default .../wecasa_bench_live, created and migrated here), own Redis database (14), own live
channel and metrics prefixes. Helpers in bench/live/ (settings, server, load, report).

BENCH_LIVE_STREAMS_ONLY=1: only 1,000 idle streams (threads, CPU), a quick look (~1 min);
BENCH_LIVE_SERVER_ROOT=<a git worktree of another commit>: serve that code (before/after).
"""

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.live.config import (  # noqa: E402
    BENCH_DB,
    LARGE,
    POLL_SECONDS,
    REDIS,
    SMALL,
    STREAMS_ONLY,
)


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
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bench.live.load import DatabaseGuard, Streams, flat_out, hold, paced  # noqa: E402
from bench.live.report import report, report_streams  # noqa: E402
from bench.live.server import (  # noqa: E402
    free_port,
    raise_fd_limit,
    start_server,
    stop_server,
    threads_of,
)
from bookings.models import BookingRequest, Proposal  # noqa: E402
from bookings.rules import booking_deadline  # noqa: E402
from catalog.models import Service  # noqa: E402
from core import clock  # noqa: E402
from pros.models import Pro  # noqa: E402
from tests.factories import booking_customer, dispatchable_pro  # noqa: E402

# --- data ---------------------------------------------------------------------------------------


def setup(stream_users: int):
    """A pro with 3 open proposals (the poller), and `stream_users` signed-in pros, each with
    a session of their own (rows written in bulk: the stream needs a signed-in pro only)."""
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_user, bookings_bookingrequest RESTART IDENTITY CASCADE")
        cursor.execute("TRUNCATE django_session")
    service = Service.objects.get(slug="menage-2h")
    poller = dispatchable_pro(services=[service], score=50)
    now = clock.now()
    for i in range(3):
        customer, address = booking_customer()
        start = clock.paris_datetime(
            clock.today() + timedelta(days=3), datetime.min.time()
        ) + timedelta(hours=8 + 4 * i)
        request = BookingRequest.objects.create(
            customer=customer,
            service=service,
            address=address,
            start=start,
            end=start + timedelta(minutes=service.duration_minutes),
            **service.price_snapshot(),
            booking_deadline=booking_deadline(start),
            status="dispatching",
        )
        Proposal.objects.create(
            request=request, pro=poller, sent_at=now, expires_at=now + timedelta(days=2)
        )
    client = Client()
    client.force_login(poller.user)
    poller_session = client.cookies["sessionid"].value

    User = get_user_model()
    password = "!bench-unusable"
    users = User.objects.bulk_create(
        # With the language the page is served in: a pro's first visit stores it, later ones
        # (and so these streams) write nothing (core.middleware.RememberLanguageMiddleware).
        User(email=f"live{i}@bench.invalid", password=password, language=settings.LANGUAGE_CODE)
        for i in range(stream_users)
    )
    Pro.objects.bulk_create(
        (
            Pro(
                user=user,
                slug=f"live-{user.pk}",
                referral_code=f"LIVE{user.pk}",
                terms_accepted_at=now,
            )
            for user in users
        ),
        batch_size=2000,
    )
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if "axes" not in path)
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    sessions = [
        Session(
            session_key=get_random_string(32),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expire,
        )
        for user in users
    ]
    Session.objects.bulk_create(sessions, batch_size=2000)
    return poller_session, [session.session_key for session in sessions]


def main():
    started = time.monotonic()
    fd_limit = raise_fd_limit()
    # A stream takes one descriptor here and one in the server (same limit): 200 for the rest.
    largest = SMALL if STREAMS_ONLY else min(LARGE, fd_limit - 200)
    if largest < SMALL:
        raise SystemExit(f"file-descriptor limit {fd_limit}: fewer than {SMALL} streams possible")
    print(f"database: {BENCH_DB}   redis: {REDIS}   fd limit: {fd_limit}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    poller_session, stream_sessions = setup(largest)
    print(f"setup: 1 polling pro (3 open proposals), {largest:,} signed-in stream pros")
    guard = DatabaseGuard()
    port = free_port()
    process, base = start_server(port)
    pid = process.pid
    streams = Streams("127.0.0.1", port)
    try:
        if STREAMS_ONLY:
            threads = threads_of(pid)
            small = hold(streams, pid, SMALL, stream_sessions, guard)
            small["threads_added"], small["pg_most"] = small["threads"] - threads, guard.most
            report_streams(small, threads)
            return
        guard.reset()
        poll = flat_out(base, "/pro/proposals", poller_session, pid)
        bell = flat_out(base, "/pro/notifications/bell", poller_session, pid)
        for name, figures in (("poll", poll), ("bell", bell)):
            if figures["statuses"] != {200}:
                print(f"  ! {name}: statuses {sorted(figures['statuses'])}")
        paced_small = paced(base, "/pro/proposals", poller_session, pid, SMALL / POLL_SECONDS)
        poll["pg_most"] = guard.most
        time.sleep(1.0)
        guard.reset()
        threads = threads_of(pid)
        small = hold(streams, pid, SMALL, stream_sessions, guard)
        small["threads_added"], small["pg_most"] = small["threads"] - threads, guard.most
        large = None
        if largest > SMALL:
            large = hold(streams, pid, largest, stream_sessions, guard)
            large["threads_added"], large["pg_most"] = large["threads"] - threads, guard.most
    finally:
        streams.close()
        stop_server(process)
        guard.close()
    report(poll, bell, paced_small, small, large)
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end; "
        f"total bench time {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
