"""Business counters shared by every process (web and workers), kept in Redis.

The domain code bumps a counter where an event is decided, with one call
(`metrics.request_created(request)`); the bump is sent when the transaction commits (a rolled
back event counts nothing) and never fails the business operation: with Redis down it is logged
and dropped, and for a few seconds no further bump even tries (no timeout per event).

Layout (prefix `settings.METRICS_KEY_PREFIX`, on `settings.METRICS_REDIS_URL`):
- `<prefix>:total`: one hash of every counter since the beginning, field `name|label|label`
  (`requests_created|12|lt6h`: service 12, less than 6 h ahead). A bounded set of fields
  (services x lead bands x names), so reading it costs the same with 10 or 10 million requests.
- `<prefix>:day:<Paris date>`: the same fields for one day (support's "today" page), kept 8 days.
- `<prefix>:online`: sorted set, user id -> until when their dashboard stream counts as open.
- `<prefix>:worker`: hash, queue -> when a worker last finished a task from it.

Histograms are counter fields too: `first_accept|<band>|<bucket index>`, `first_accept_ms_sum|<band>`
and `first_accept_count|<band>`; ops.collector turns them into Prometheus series.

Request counters count customer requests only (a pro's session set up for a customer is not
dispatched). They are keyed by service id; ops maps services to categories when it reads them.
"""

import logging
import time
from datetime import datetime, timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import transaction

from core import clock

logger = logging.getLogger(__name__)

# Lead time (start - creation) bands, the wave policy's boundaries (settings.DISPATCH_WAVES).
LEAD_BANDS = (
    ("lt6h", timedelta(hours=6)),
    ("6to24h", timedelta(hours=24)),
    ("24to48h", timedelta(hours=48)),
    ("ge48h", None),
)
# Time to first accept (request created -> confirmed), seconds.
FIRST_ACCEPT_BUCKETS = (30, 60, 120, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 24 * 3600)
PROPOSAL_ANSWERS = ("accepted", "refused", "countered")
DAY_KEY_TTL = 8 * 24 * 3600
# After a Redis failure, bumps are dropped without trying for this long.
BACKOFF_SECONDS = 10.0

_down_until = 0.0


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=0.5, socket_timeout=0.5, decode_responses=True
    )


def client() -> redis.Redis:
    return _client(settings.METRICS_REDIS_URL)


def key(*parts: str) -> str:
    return ":".join((settings.METRICS_KEY_PREFIX, *parts))


def day_key(day) -> str:
    return key("day", day.isoformat())


def field(name: str, *labels) -> str:
    return "|".join((name, *(str(label) for label in labels)))


def lead_band(start: datetime, created_at: datetime) -> str:
    lead = start - created_at
    for band, below in LEAD_BANDS:
        if below is None or lead < below:
            return band
    raise AssertionError("unreachable")  # pragma: no cover


def _healthy() -> bool:
    return time.monotonic() >= _down_until


def _failed(error: Exception) -> None:
    global _down_until
    _down_until = time.monotonic() + BACKOFF_SECONDS
    logger.warning("metrics not recorded (Redis: %s); retrying in %ss", error, BACKOFF_SECONDS)


def _send(increments: dict[str, int]) -> None:
    """HINCRBY each field in the total and today's hash: one round trip."""
    if not _healthy():
        return
    day = day_key(clock.today())
    try:
        pipeline = client().pipeline(transaction=False)
        for name, amount in increments.items():
            pipeline.hincrby(key("total"), name, amount)
            pipeline.hincrby(day, name, amount)
        pipeline.expire(day, DAY_KEY_TTL)
        pipeline.execute()
    except (redis.RedisError, OSError) as error:
        _failed(error)


def incr(increments: dict[str, int]) -> None:
    """Add these amounts ({field: n}) once the transaction commits (at once outside one)."""
    increments = {name: amount for name, amount in increments.items() if amount}
    if increments:
        transaction.on_commit(lambda: _send(increments), robust=True)


def observe_fields(name: str, value: float, buckets, *labels) -> dict[str, int]:
    """The increments recording one observation of a histogram (its bucket, sum and count)."""
    index = next((i for i, bound in enumerate(buckets) if value <= bound), len(buckets))
    return {
        field(name, *labels, index): 1,
        field(f"{name}_ms_sum", *labels): round(value * 1000),
        field(f"{name}_count", *labels): 1,
    }


# --- the events (one call at the place each is decided) ---------------------------------------


def _is_customer_request(request) -> bool:
    return getattr(request, "origin", "customer") == "customer"


def request_created(request) -> None:
    """A customer's booking request was created (bookings.services.requests)."""
    if _is_customer_request(request):
        band = lead_band(request.start, request.created_at)
        incr({field("requests_created", request.service_id, band): 1})


def request_closed(request, *, status: str, now: datetime) -> None:
    """A request closed (bookings.closing.close_request): confirmed ones count, with their time
    to first accept; unfulfilled ones count; cancellations are not a dispatch outcome."""
    if not _is_customer_request(request) or status not in ("confirmed", "unfulfilled"):
        return
    band = lead_band(request.start, request.created_at)
    increments = {field(f"requests_{status}", request.service_id, band): 1}
    if status == "confirmed":
        seconds = max(0.0, (now - request.created_at).total_seconds())
        increments.update(observe_fields("first_accept", seconds, FIRST_ACCEPT_BUCKETS, band))
    incr(increments)


def dispatch_step(*, sent: int, expired: int) -> None:
    """Proposals a dispatch step sent and expired (bookings.dispatch.steps.advance)."""
    incr({field("proposals_sent"): sent, field("proposals_expired"): expired})


def proposal_answered(status: str) -> None:
    """A pro answered a proposal (accepted, refused, countered; other statuses are ignored)."""
    if status in PROPOSAL_ANSWERS:
        incr({field("proposals_answered", status): 1})


def charge_failed() -> None:
    """A charge failed for good (payouts.services.charges)."""
    incr({field("charges_failed"): 1})


# --- presence and workers (written directly: no transaction around them) ---------------------


def stream_open(user_id: int, *, seconds: float) -> None:
    """A user's dashboard stream is open for at least `seconds` more (refreshed by its
    heartbeat; a stream that dies silently stops counting when this runs out)."""
    if not _healthy():
        return
    try:
        client().zadd(key("online"), {str(user_id): time.time() + seconds})
    except (redis.RedisError, OSError) as error:
        _failed(error)


def stream_closed(user_id: int) -> None:
    if not _healthy():
        return
    try:
        client().zrem(key("online"), str(user_id))
    except (redis.RedisError, OSError) as error:
        _failed(error)


def worker_finished_task(queue: str) -> None:
    """A worker finished a task taken from `queue` ("no worker consuming" is this growing old)."""
    if not _healthy():
        return
    try:
        client().hset(key("worker"), queue, f"{time.time():.3f}")
    except (redis.RedisError, OSError) as error:
        _failed(error)


# --- reading (ops) ------------------------------------------------------------------------


def read(day) -> dict:
    """Everything in one round trip: {"total": {field: n}, "day": {...}, "online": n,
    "worker": {queue: timestamp}}. Raises redis.RedisError when Redis is down."""
    now = time.time()
    pipeline = client().pipeline(transaction=False)
    pipeline.hgetall(key("total"))
    pipeline.hgetall(day_key(day))
    pipeline.zremrangebyscore(key("online"), "-inf", now)
    pipeline.zcard(key("online"))
    pipeline.hgetall(key("worker"))
    total, today, _removed, online, worker = pipeline.execute()
    return {
        "total": {name: int(value) for name, value in total.items()},
        "day": {name: int(value) for name, value in today.items()},
        "online": int(online),
        "worker": {queue: float(value) for queue, value in worker.items()},
    }
