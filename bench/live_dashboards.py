"""Live dashboard bench (`make bench`): what 1,000 and 10,000 pros with the dashboard open cost
the server, before (htmx polls the proposal list every 5 s) and after (the server-sent event
stream /pro/live, notifications/views_live.py; polling only while the stream is down).

The server is uvicorn as scripts/run.sh runs it (one ASGI process, no reload) on 127.0.0.1 only;
its CPU is read from /proc/<pid>/stat (user + system, all threads), so the figures are server
CPU seconds per second of wall time (1.0 = one core busy), not a share of the loaded machine.

Before: the cost of one poll of the proposal list (and of the bell, which polls every 20 s in
both cases), measured flat out with a few client threads: server CPU ms per poll and polls/s;
then 1,000 pollers' load (200 polls/s) paced for a few seconds; 10,000 pollers' (2,000/s) is
derived from the CPU per poll (this machine cannot serve it).
After: N real idle streams, held open by one asyncio client: 1,000, then 10,000 (as many as
the file-descriptor limit and the ramp's time budget allow; the rest is extrapolated and said
so); server CPU seconds per second over a window longer than the heartbeat (every stream pings
at least once), the heartbeats counted; the cost of opening a stream measured during the ramp.
Each stream ends after LIVE_STREAM_SECONDS and the browser reconnects and fetches the list and
the bell once: N / LIVE_STREAM_SECONDS reconnects per second, three requests each. Also shown:
the server's threads and the bench database's PostgreSQL connections (a guard stops a ramp past
BENCH_LIVE_PG_SAFE connections: the PostgreSQL server is shared).

Bounded: fixed windows, a time budget for the ramps (BENCH_LIVE_RAMP_SECONDS), loopback only; the
server is stopped at the end (and if the bench fails). Own database (BENCH_LIVE_DATABASE_URL,
default .../wecasa_bench_live, created and migrated here), own Redis database (14), own live
channel and metrics prefixes.
"""

import asyncio
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get(
    "BENCH_LIVE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench_live"
)
REDIS = os.environ.get("BENCH_LIVE_REDIS_URL", "redis://127.0.0.1:6379/14")
SMALL, LARGE = 1_000, int(os.environ.get("BENCH_LIVE_LARGE", "10000"))  # pros, dashboard open
POLL_SECONDS, BELL_SECONDS = (
    5,
    20,
)  # bookings/views.py POLL_SECONDS, notifications BELL_POLL_SECONDS
HEARTBEAT = float(os.environ.get("BENCH_LIVE_HEARTBEAT", "20"))  # LIVE_HEARTBEAT_SECONDS default
STREAM_SECONDS = 15 * 60.0  # LIVE_STREAM_SECONDS default: a reconnect per stream every 15 min
WINDOW = float(os.environ.get("BENCH_LIVE_WINDOW", "3"))  # flat-out poll windows
PACED_SECONDS = float(os.environ.get("BENCH_LIVE_PACED_SECONDS", "6"))
IDLE_WINDOW = float(os.environ.get("BENCH_LIVE_IDLE_WINDOW", str(HEARTBEAT + 2)))
RAMP_SECONDS = float(os.environ.get("BENCH_LIVE_RAMP_SECONDS", "45"))
CLIENT_THREADS = int(os.environ.get("BENCH_LIVE_CLIENTS", "4"))
SERVER_ENV = {
    "DATABASE_URL": BENCH_DB,
    "REDIS_URL": REDIS,
    "CACHE_URL": REDIS,
    "CELERY_BROKER_URL": REDIS,
    "CELERY_QUEUE": "bench-live",
    "CELERY_NOTIFICATIONS_QUEUE": "bench-live-notifications",
    "LIVE_REDIS_URL": REDIS,
    "LIVE_CHANNEL_PREFIX": "bench-live",
    "LIVE_HEARTBEAT_SECONDS": str(HEARTBEAT),
    "LIVE_STREAM_SECONDS": str(STREAM_SECONDS),
    "METRICS_REDIS_URL": REDIS,
    "METRICS_KEY_PREFIX": "bench-live:metrics",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")
TICK = os.sysconf("SC_CLK_TCK")


def raise_fd_limit() -> int:
    """Soft limit up to the hard one (this process and, inherited, the server's)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


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

import requests  # noqa: E402
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

from bookings.models import BookingRequest, Proposal  # noqa: E402
from bookings.rules import booking_deadline  # noqa: E402
from catalog.models import Service  # noqa: E402
from core import clock  # noqa: E402
from tests.factories import booking_customer, dispatchable_pro  # noqa: E402

HTMX = {"HX-Request": "true"}


# --- data ---------------------------------------------------------------------------------------


def setup(stream_users: int):
    """A pro with 3 open proposals (the poller), and `stream_users` signed-in users, each with
    a session of their own (rows written in bulk: the stream needs a signed-in user only)."""
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


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port):
    """uvicorn as scripts/run.sh starts it (one process, wecasa.asgi: pooled database
    connections), without --reload."""
    log = open(Path(tempfile.gettempdir()) / "bench-live-uvicorn.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("uvicorn")),
            "wecasa.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--backlog",
            "4096",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=15).status_code == 200:
                    return process, base
            except requests.RequestException:
                time.sleep(0.5)
    except BaseException:
        stop_server(process)
        raise
    stop_server(process)
    log.seek(0)
    raise SystemExit("uvicorn did not start: " + log.read().decode()[-2000:])


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def fds_open(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


# --- before: polling ----------------------------------------------------------------------------


def flat_out(base, path, session_key, pid, seconds=WINDOW):
    """Requests/s and server CPU ms per request with CLIENT_THREADS threads, as fast as it goes."""
    counts, statuses, stop = [0] * CLIENT_THREADS, set(), threading.Event()

    def run(index):
        http = requests.Session()
        http.cookies.set("sessionid", session_key)
        while not stop.is_set():
            response = http.get(base + path, headers=HTMX, timeout=30)
            statuses.add(response.status_code)
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # warm up
    done, cpu = sum(counts), cpu_seconds(pid)
    started = time.monotonic()
    time.sleep(seconds)
    done, cpu = sum(counts) - done, cpu_seconds(pid) - cpu
    elapsed = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join()
    return {"rps": done / elapsed, "cpu_ms": 1000 * cpu / max(done, 1), "statuses": statuses}


def paced(base, path, session_key, pid, rate, seconds=PACED_SECONDS):
    """`rate` requests/s spread over CLIENT_THREADS * 4 threads on a fixed schedule (a request
    late on its slot is sent at once, never skipped): achieved rate, server CPU s/s, latency."""
    threads_count = CLIENT_THREADS * 4
    latencies, lock, stop = [], threading.Lock(), threading.Event()
    start_at = time.monotonic() + 0.3

    def run(index):
        http = requests.Session()
        http.cookies.set("sessionid", session_key)
        interval = threads_count / rate
        slot = start_at + index * interval / threads_count
        while not stop.is_set():
            delay = slot - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if stop.is_set():
                return
            began = time.monotonic()
            http.get(base + path, headers=HTMX, timeout=30)
            with lock:
                latencies.append((began, time.monotonic() - began))
            slot += interval

    threads = [threading.Thread(target=run, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    time.sleep(start_at - time.monotonic() + 1.0)  # first second: warm up
    cpu, measured_from = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    cpu, elapsed = cpu_seconds(pid) - cpu, time.monotonic() - measured_from
    stop.set()
    for thread in threads:
        thread.join()
    window = sorted(d for began, d in latencies if measured_from <= began)
    count = sum(1 for began, _d in latencies if measured_from <= began < measured_from + elapsed)
    p50 = statistics.median(window) * 1000 if window else 0
    p95 = window[int(0.95 * (len(window) - 1))] * 1000 if window else 0
    return {"rps": count / elapsed, "cpu": cpu / elapsed, "p50": p50, "p95": p95}


# --- after: idle streams ------------------------------------------------------------------------


class Streams:
    """Idle /pro/live streams held open by one asyncio loop (in a thread of this process)."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.writers, self.pings, self.closed = [], 0, 0

    def run(self, coroutine, timeout=None):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _open(self, session_key):
        reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.write(
            (
                "GET /pro/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                f"Cookie: sessionid={session_key}\r\n\r\n"
            ).encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        if not head.startswith(b"HTTP/1.1 200"):
            writer.close()
            raise OSError(head.split(b"\r\n", 1)[0].decode())
        await asyncio.wait_for(reader.readuntil(b": connected"), 30)
        self.writers.append(writer)
        self.loop.create_task(self._drain(reader))

    async def _drain(self, reader):
        tail = b""
        while chunk := await reader.read(4096):
            data = tail + chunk
            self.pings += data.count(b": ping")
            tail = data[-8:]
        self.closed += 1

    async def _ramp(self, session_keys, deadline, guard, parallel=32, max_errors=20):
        keys = iter(session_keys)
        errors = []

        async def worker():
            for key in keys:
                if time.monotonic() > deadline or len(errors) >= max_errors or guard.tripped:
                    return
                try:
                    await self._open(key)
                except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
                    errors.append(error)

        await asyncio.gather(*(worker() for _ in range(parallel)))
        return errors

    def ramp(self, session_keys, seconds, guard):
        deadline = time.monotonic() + seconds
        return self.run(self._ramp(session_keys, deadline, guard), timeout=seconds + 120)

    async def _close_all(self):
        for writer in self.writers:
            writer.close()
        self.writers = []

    def close(self):
        self.run(self._close_all(), timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


class DatabaseGuard:
    """Watches the bench database's PostgreSQL connections (the server is shared): the most seen,
    and `tripped` past PG_SAFE, which stops a ramp before other users of the server are refused."""

    PG_SAFE = int(os.environ.get("BENCH_LIVE_PG_SAFE", "50"))

    def __init__(self):
        import psycopg

        self.conn = psycopg.connect(BENCH_DB.rsplit("/", 1)[0] + "/postgres", autocommit=True)
        self.name = BENCH_DB.rsplit("/", 1)[1]
        self.most, self.tripped, self.stop = 0, False, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def count(self) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name]
        ).fetchone()[0]

    def _watch(self):
        while not self.stop.wait(0.2):
            now = self.count()
            self.most = max(self.most, now)
            self.tripped = self.tripped or now > self.PG_SAFE

    def reset(self):
        self.most, self.tripped = self.count(), False

    def close(self):
        self.stop.set()
        self.thread.join()
        self.conn.close()


def threads_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def hold(streams, pid, wanted, session_keys, guard, *, idle=True):
    """Open streams up to `wanted` (time-boxed, stopped by the guard), then measure the idle
    server over IDLE_WINDOW."""
    missing = session_keys[len(streams.writers) : wanted]
    before = len(streams.writers)
    cpu, started = cpu_seconds(pid), time.monotonic()
    errors = streams.ramp(missing, RAMP_SECONDS, guard) if missing else []
    ramp_cpu, ramp_time = cpu_seconds(pid) - cpu, time.monotonic() - started
    opened = len(streams.writers)
    new = opened - before
    figures = {
        "open": opened,
        "new": new,
        "errors": len(errors),
        "error_sample": str(errors[0]) if errors else "",
        "open_ms": 1000 * ramp_cpu / max(new, 1),
        "opens_per_s": new / ramp_time if ramp_time else 0,
        "guard": guard.tripped,
    }
    time.sleep(1.0)
    figures["threads"], figures["pg"] = threads_of(pid), guard.count()
    if not idle:
        return figures
    pings, cpu, started = streams.pings, cpu_seconds(pid), time.monotonic()
    time.sleep(IDLE_WINDOW)
    elapsed = time.monotonic() - started
    figures |= {
        "idle_cpu": (cpu_seconds(pid) - cpu) / elapsed,
        "pings_per_s": (streams.pings - pings) / elapsed,
        "server_fds": fds_open(pid),
        "closed": streams.closed,
    }
    return figures


# --- report -------------------------------------------------------------------------------------


def main():
    started = time.monotonic()
    fd_limit = raise_fd_limit()
    # A stream takes one descriptor here and one in the server (same limit): 200 for the rest.
    largest = min(LARGE, fd_limit - 200)
    if largest < SMALL:
        raise SystemExit(f"file-descriptor limit {fd_limit}: fewer than {SMALL} streams possible")
    print(f"database: {BENCH_DB}   redis: {REDIS}   fd limit: {fd_limit}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    poller_session, stream_sessions = setup(largest)
    print(f"setup: 1 polling pro (3 open proposals), {largest:,} signed-in stream users")
    guard = DatabaseGuard()
    port = free_port()
    process, base = start_server(port)
    pid = process.pid
    streams = Streams("127.0.0.1", port)
    try:
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


def report(poll, bell, paced_small, small, large):
    print("\nserver: uvicorn, one process (as scripts/run.sh, without --reload)")
    print(
        f"  one poll of the proposal list: {poll['cpu_ms']:.1f} ms server CPU; "
        f"{poll['rps']:.0f} polls/s flat out ({CLIENT_THREADS} clients); up to "
        f"{poll['pg_most']} PostgreSQL connections while polling"
    )
    print(
        f"  one bell poll: {bell['cpu_ms']:.1f} ms server CPU; {bell['rps']:.0f}/s flat out "
        f"(the bell polls every {BELL_SECONDS} s, before and after)"
    )
    print(
        f"  1,000 pollers paced ({SMALL / POLL_SECONDS:.0f} polls/s asked): "
        f"{paced_small['rps']:.0f}/s served, server CPU {paced_small['cpu']:.2f} s/s, "
        f"p50 {paced_small['p50']:.0f} ms, p95 {paced_small['p95']:.0f} ms"
    )
    for figures in (small, large):
        if figures is None:
            continue
        print(
            f"  {figures['open']:,} idle streams: "
            f"server CPU {figures['idle_cpu']:.3f} s/s, {figures['pings_per_s']:.0f} heartbeats/s, "
            f"{figures['pg']} PostgreSQL connections (at most {figures['pg_most']} while opening), "
            f"+{figures['threads_added']:,} threads, "
            f"{figures['server_fds']:,} fds; opening {figures['new']:,}: "
            f"{figures['open_ms']:.1f} ms CPU each, {figures['opens_per_s']:.0f}/s"
            + (
                f"; {figures['errors']} failed: {figures['error_sample']}"
                if figures["errors"]
                else ""
            )
            + ("; stopped: too many database connections" if figures["guard"] else "")
        )
        if figures["closed"]:
            print(f"  ! {figures['closed']} streams ended by the server during the bench")

    def before(pros):
        polls, bells = pros / POLL_SECONDS, pros / BELL_SECONDS
        return polls, bells, (polls * poll["cpu_ms"] + bells * bell["cpu_ms"]) / 1000

    def after(pros, measured):
        reconnects, bells = pros / STREAM_SECONDS, pros / BELL_SECONDS
        idle = measured["idle_cpu"] * pros / measured["open"]
        reconnect_cpu = reconnects * (measured["open_ms"] + poll["cpu_ms"] + bell["cpu_ms"]) / 1000
        bell_cpu = bells * bell["cpu_ms"] / 1000
        return 3 * reconnects, bells, idle + reconnect_cpu + bell_cpu, idle, reconnect_cpu, bell_cpu

    print(f"\n  {'dashboards open':18} {'req/s':>10} {'+bell/s':>7} {'server CPU s/s':>15}  how")
    for pros in (SMALL, LARGE):
        polls, bells, cpu = before(pros)
        print(
            f"  {'before ' + format(pros, ','):18} {polls:>10.0f} {bells:>7.0f} {cpu:>15.2f}  "
            f"list polls {polls * poll['cpu_ms'] / 1000:.2f} + bell polls "
            f"{bells * bell['cpu_ms'] / 1000:.2f} (CPU per poll x polls/s)"
        )
    for pros in (SMALL, LARGE):
        measured = large if (pros == LARGE and large) else small
        list_rps, bells, cpu, idle, reconnect_cpu, bell_cpu = after(pros, measured)
        where = "measured" if measured["open"] >= pros else "extrapolated from"
        print(
            f"  {'after ' + format(pros, ','):18} {list_rps:>10.1f} {bells:>7.0f} {cpu:>15.2f}  "
            f"idle streams {idle:.3f} ({where} {measured['open']:,} open) + reconnects "
            f"{reconnect_cpu:.3f} + bell polls {bell_cpu:.2f}"
        )
    print(
        f"  (req/s before: list polls; after: a reconnect every {STREAM_SECONDS / 60:.0f} min per stream = the "
        f"stream + one list + one bell fetch; heartbeats every {HEARTBEAT:.0f} s are not requests)"
    )


if __name__ == "__main__":
    main()
