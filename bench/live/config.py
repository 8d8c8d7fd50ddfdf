"""The live dashboard bench's settings (bench/live_dashboards.py): environment knobs, and the
environment of the server it starts (its own database, Redis database, queues and prefixes).
Importing this module sets that environment in this process too (before Django is set up)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Where the server's code is (another checkout, e.g. a `git worktree` of an older commit, to
# measure "before" a change); this checkout's by default.
SERVER_ROOT = Path(os.environ.get("BENCH_LIVE_SERVER_ROOT", str(ROOT)))
# Only the idle streams, 1,000 of them (no polling figures, no large ramp): a quick look.
STREAMS_ONLY = os.environ.get("BENCH_LIVE_STREAMS_ONLY", "") not in ("", "0")

BENCH_DB = os.environ.get(
    "BENCH_LIVE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wecasa_bench_live"
)
REDIS = os.environ.get("BENCH_LIVE_REDIS_URL", "redis://127.0.0.1:6379/14")
SMALL, LARGE = 1_000, int(os.environ.get("BENCH_LIVE_LARGE", "10000"))  # pros, dashboard open
# bookings/views.py POLL_SECONDS, notifications/views.py BELL_POLL_SECONDS
POLL_SECONDS, BELL_SECONDS = 5, 20
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
