"""The bench's load: polling clients (flat out and paced) for "before", idle event streams held
by one asyncio loop for "after", and a guard on the shared PostgreSQL server's connections."""

import asyncio
import os
import statistics
import threading
import time

import requests

from .config import (
    BENCH_DB,
    CLIENT_THREADS,
    IDLE_WINDOW,
    PACED_SECONDS,
    RAMP_SECONDS,
    WINDOW,
)
from .server import cpu_seconds, fds_open, threads_of

HTMX = {"HX-Request": "true"}


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
