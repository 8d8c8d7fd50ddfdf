"""HTTP benchmark (`make bench`; not named http.py, which would shadow the standard library
for every script in bench/): gunicorn as docker-compose runs it (3 uvicorn workers), on
127.0.0.1 only, against its own database; prints figures, is not part of the test run.

Each endpoint is measured in short windows interleaved with `/healthz` windows (the baseline:
one database query, one Redis ping), three rounds, by the same client threads; the figure is
the ratio of the medians, which holds when the machine is loaded. Endpoints: GET
/api/v1/services, GET /api/v1/pro/proposals, the dashboard poll (htmx GET /pro/proposals, for
a pro with 2 and with 50 open proposals), POST /api/v1/booking-requests, and accepting a
proposal. Targets: POST >= 0.30 of /healthz; pro proposals and the poll >= 0.70; the poll with
50 open proposals as fast as with 2, and bounded in size.

Bounded: a fixed number of windows of WINDOW seconds, loopback only; the server is stopped at
the end (and if the bench fails). Own database (BENCH_HTTP_DATABASE_URL, default
.../wecasa_bench_http, created and migrated here), own Redis database and queue.
"""

import os
import random
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
    "BENCH_HTTP_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench_http"
)
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
QUEUE = os.environ.get("BENCH_HTTP_QUEUE", "bench-http")
WINDOW = float(os.environ.get("BENCH_HTTP_WINDOW", "2"))
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "3"))
ACCEPTS = int(os.environ.get("BENCH_HTTP_ACCEPTS", "200"))  # proposals waiting to be accepted
SERVER_ENV = {
    "DATABASE_URL": BENCH_DB,
    "CELERY_BROKER_URL": BROKER,
    "CELERY_QUEUE": QUEUE,
    "CELERY_NOTIFICATIONS_QUEUE": QUEUE + "-notifications",
    "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13"),
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    # Plain http on the loopback: no redirect to https, cookies without the Secure flag.
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")


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
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from bookings.models import BookingRequest, Proposal  # noqa: E402
from bookings.rules import booking_deadline  # noqa: E402
from catalog.models import Service  # noqa: E402
from core import clock  # noqa: E402
from tests.factories import booking_customer, dispatchable_pro  # noqa: E402

HTMX = {"HX-Request": "true"}


# --- data ---------------------------------------------------------------------------------------


def wipe():
    """Everybody and every request (and, by cascade, what hangs off them); the catalogue and
    the groups the migrations load stay."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_user, bookings_bookingrequest RESTART IDENTITY CASCADE")


def _open_proposals(pro, service, count, *, first_day):
    """`count` open proposals for `pro`, each for its own customer (rows written directly)."""
    now = clock.now()
    for i in range(count):
        customer, address = booking_customer()
        # Three sessions a day (8:00, 12:00, 16:00): the pro may accept them all.
        day = clock.today() + timedelta(days=first_day + i // 3)
        start = clock.paris_datetime(day, datetime.min.time()) + timedelta(hours=8 + 4 * (i % 3))
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
            request=request, pro=pro, sent_at=now, expires_at=now + timedelta(days=2)
        )


def setup():
    """A customer (card, Paris address), pros covering it, a pro with 2 and one with 50 open
    proposals, a pro with many proposals to accept (one per hour slot), and their credentials."""
    call_command("migrate", verbosity=0)
    # Users are made by the test factories; nobody logs in with these passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    wipe()
    service = Service.objects.get(slug="menage-2h")
    for score in range(60, 90, 3):
        dispatchable_pro(services=[service], score=score)
    customer, address = booking_customer()
    few, ten, many, acceptor = (dispatchable_pro(services=[service], score=40) for _ in range(4))
    _open_proposals(few, service, 2, first_day=3)
    _open_proposals(ten, service, 10, first_day=3)
    _open_proposals(many, service, 50, first_day=3)
    _open_proposals(acceptor, service, ACCEPTS, first_day=3)
    accept_ids = list(
        Proposal.objects.filter(pro=acceptor, status="sent")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sessions = {}
    for name, pro in (("few", few), ("ten", ten), ("many", many)):
        client = Client()
        client.force_login(pro.user)
        sessions[name] = client.cookies["sessionid"].value
    return {
        "service": service.pk,
        "address": address.pk,
        "customer_token": AuthToken.objects.create(customer.user)[1],
        "many_token": AuthToken.objects.create(many.user)[1],
        "acceptor_token": AuthToken.objects.create(acceptor.user)[1],
        "sessions": sessions,
        "accept_ids": accept_ids,
    }


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port):
    """gunicorn as in docker-compose.yml (3 uvicorn workers, 30 s timeout), on 127.0.0.1 only."""
    log = open(Path(tempfile.gettempdir()) / f"{QUEUE}-gunicorn.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "wecasa.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "30",
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
            try:  # the workers load Django on their first request: slow on a busy machine
                if requests.get(base + "/healthz", timeout=15).status_code == 200:
                    return process, base
            except requests.RequestException:
                time.sleep(0.5)
    except BaseException:
        stop_server(process)
        raise
    stop_server(process)
    log.seek(0)
    raise SystemExit("gunicorn did not start: " + log.read().decode()[-2000:])


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- the load -----------------------------------------------------------------------------------


def run_window(make_call, seconds=WINDOW):
    """CLIENTS threads, each with its own keep-alive session, call for `seconds`; returns
    (requests per second, statuses seen, response sizes)."""
    stop = time.monotonic() + seconds
    counts, statuses, sizes = [0] * CLIENTS, set(), []

    def client(index):
        session = requests.Session()
        call = make_call()
        while time.monotonic() < stop:
            response = call(session)
            statuses.add(response.status_code)
            sizes.append(len(response.content))
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began), statuses, sizes


def compare(name, make_call, base, expect=(200,)):
    """Interleave the endpoint with /healthz for ROUNDS rounds; medians and their ratio."""
    health = lambda: lambda s: s.get(base + "/healthz")  # noqa: E731
    endpoint_rates, health_rates, sizes, statuses = [], [], [], set()
    run_window(make_call, seconds=0.5)  # warm up: each worker's first call of a view is slow
    for _round in range(ROUNDS):
        health_rates.append(run_window(health)[0])
        rate, seen, window_sizes = run_window(make_call)
        endpoint_rates.append(rate)
        statuses |= seen
        sizes += window_sizes
    if not statuses <= set(expect):
        print(f"  ! {name}: unexpected statuses {sorted(statuses)}")
    endpoint, healthz = statistics.median(endpoint_rates), statistics.median(health_rates)
    return {
        "name": name,
        "rate": endpoint,
        "healthz": healthz,
        "ratio": endpoint / healthz,
        "bytes": statistics.median(sizes) if sizes else 0,
    }


def main():
    started = time.monotonic()
    print(f"database: {BENCH_DB}   broker: {BROKER}   queue: {QUEUE}")
    data = setup()
    port = free_port()
    server, base = start_server(port)
    print(
        f"gunicorn wecasa.asgi (3 uvicorn workers, as docker-compose) on {base}; {CLIENTS} client "
        f"threads with keep-alive; {ROUNDS} rounds of {WINDOW:.0f} s windows, each endpoint "
        "interleaved with /healthz"
    )
    slots = iter(range(100_000))
    day_zero = clock.today() + timedelta(days=3)
    accept_ids = iter(data["accept_ids"])
    lock = threading.Lock()

    def token(key):
        return {"Authorization": f"Token {data[key]}"}

    def post_request():
        def call(session):
            with lock:
                slot = next(slots)
            # Every request at its own time (2 h apart): one open request per home and time.
            start = clock.paris_datetime(
                day_zero + timedelta(days=slot // 6), datetime.min.time()
            ) + timedelta(hours=8 + 2 * (slot % 6))
            return session.post(
                base + "/api/v1/booking-requests",
                json={
                    "service": data["service"],
                    "address": data["address"],
                    "start": start.isoformat(),
                },
                headers=token("customer_token"),
            )

        return call

    def accept():
        def call(session):
            with lock:
                proposal_id = next(accept_ids, None)
            if proposal_id is None:  # none left: the window measures nothing more
                return session.get(base + "/healthz")
            return session.post(
                base + f"/api/v1/pro/proposals/{proposal_id}/accept",
                headers=token("acceptor_token"),
            )

        return call

    def poll(which):
        def make():
            cookies = {"sessionid": data["sessions"][which]}
            return lambda s: s.get(base + "/pro/proposals", headers=HTMX, cookies=cookies)

        return make

    try:
        results = [
            compare(
                "GET /api/v1/services", lambda: lambda s: s.get(base + "/api/v1/services"), base
            ),
            compare(
                "GET /api/v1/pro/proposals (50 open)",
                lambda: (
                    lambda s: s.get(base + "/api/v1/pro/proposals", headers=token("many_token"))
                ),
                base,
            ),
            compare("dashboard poll, 2 open proposals", poll("few"), base),
            compare("dashboard poll, 10 open proposals", poll("ten"), base),
            compare("dashboard poll, 50 open proposals", poll("many"), base),
            compare("POST /api/v1/booking-requests", post_request, base, expect=(201,)),
            compare("POST .../proposals/{id}/accept", accept, base),
        ]
    finally:
        stop_server(server)
    targets = {
        "POST /api/v1/booking-requests": 0.30,
        "GET /api/v1/pro/proposals (50 open)": 0.70,
        "dashboard poll, 2 open proposals": 0.70,
        "dashboard poll, 10 open proposals": 0.70,
        "dashboard poll, 50 open proposals": 0.70,
    }
    print(f"\n  {'endpoint':38} {'req/s':>7} {'/healthz':>9} {'ratio':>6} {'bytes':>7}  target")
    missed = []
    for row in results:
        target = targets.get(row["name"])
        verdict = ""
        if target is not None:
            met = row["ratio"] >= target
            verdict = f">= {target:.2f}: {'met' if met else 'NOT met'}"
            if not met:
                missed.append(row["name"])
        print(
            f"  {row['name']:38} {row['rate']:7.1f} {row['healthz']:9.1f} {row['ratio']:6.2f} "
            f"{row['bytes']:7.0f}  {verdict}"
        )
    ten, many = results[3], results[4]
    constant = many["rate"] / ten["rate"]
    verdict = "met" if constant >= 0.85 else "NOT met"
    print(
        f"  poll with 50 open proposals vs 10 (the cap): x{constant:.2f} the rate, "
        f"x{many['bytes'] / max(ten['bytes'], 1):.2f} the bytes; constant (>= 0.85): {verdict}"
    )
    accepted = Proposal.objects.filter(pk__in=data["accept_ids"], status="accepted").count()
    print(f"  accepted {accepted} proposals during the accept windows")
    from wecasa.celery import app

    with app.connection_for_write() as conn:
        for queue in (QUEUE, QUEUE + "-notifications"):
            conn.default_channel.queue_purge(queue)
    print(
        f"\ntargets: {len(targets) - len(missed)} of {len(targets)} met"
        + ("" if not missed else "; not met: " + ", ".join(missed))
    )
    print(f"total bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    random.seed(7)
    main()
