"""What the vital signs read, each in constant time whatever the size of the data:

- the counters (core.metrics, one Redis round trip);
- the gauges from the database in ONE statement, each part an index-only probe of a partial
  index: the oldest due item of each sweep (min over `request_due`, `record_pending_deadline`,
  `record_pending_closes`, `record_pending_reminder`, `charge_due`) and counts over partial
  indexes whose rows are only the current ones (`payout_held`, `webhook_unprocessed`);
- Celery queue depths (LLEN on the broker, one round trip);
- the catalogue (service -> category), small and cached per process.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import cache

import redis
from django.conf import settings
from django.db import connection

from bookings.models import BookingRequest
from catalog.models import Service
from checkin.models import SessionRecord
from core import clock, metrics
from payouts.models import Charge, Payout, WebhookEvent

logger = logging.getLogger(__name__)

# Charges are attempted by the 07:00 (Paris) beat job: a due charge lags from then on.
CHARGE_RUN_AT = settings.CELERY_BEAT_SCHEDULE["payouts-charge-due"]["schedule"]
CATEGORY_CACHE_SECONDS = 300


@dataclass
class Gauges:
    dispatch_oldest_due: datetime | None = None
    checkin_oldest_due: datetime | None = None
    charges_oldest_due_on: date | None = None
    payouts_held: int = 0
    webhooks_pending: int = 0
    lag_seconds: dict = field(default_factory=dict)  # sweep -> seconds


def _gauges_sql() -> str:
    request = BookingRequest._meta.db_table
    record = SessionRecord._meta.db_table
    charge = Charge._meta.db_table
    payout = Payout._meta.db_table
    webhook = WebhookEvent._meta.db_table
    # Each predicate repeats its partial index's condition, so each part is one index probe.
    return f"""
SELECT
  (SELECT min(next_dispatch_at) FROM {request} WHERE next_dispatch_at IS NOT NULL),
  (SELECT min(declaration_deadline) FROM {record}
    WHERE outcome = 'pending' AND needs_declaration),
  (SELECT min(closes_at) FROM {record} WHERE outcome = 'pending' AND closes_at IS NOT NULL),
  (SELECT min(next_reminder_at) FROM {record}
    WHERE outcome = 'pending' AND next_reminder_at IS NOT NULL),
  (SELECT min(due_on) FROM {charge} WHERE status = 'due'),
  (SELECT count(*) FROM {payout} WHERE status = 'held'),
  (SELECT count(*) FROM {webhook} WHERE status IN ('received', 'processing'))
"""


def _lag(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def charge_run_moment(day: date) -> datetime:
    """When the charge job runs on `day` (Paris): its beat schedule's first hour and minute."""
    at = dt_time(min(CHARGE_RUN_AT.hour), min(CHARGE_RUN_AT.minute))
    return clock.paris_datetime(day, at)


def database_gauges(*, now: datetime | None = None) -> Gauges:
    """The database gauges, in one statement."""
    now = now or clock.now()
    with connection.cursor() as cursor:
        cursor.execute(_gauges_sql())
        dispatch, deadline, closes, reminder, charge_due_on, held, webhooks = cursor.fetchone()
    checkin = min(filter(None, [deadline, closes, reminder]), default=None)
    gauges = Gauges(
        dispatch_oldest_due=dispatch,
        checkin_oldest_due=checkin,
        charges_oldest_due_on=charge_due_on,
        payouts_held=held,
        webhooks_pending=webhooks,
    )
    charge_moment = charge_run_moment(charge_due_on) if charge_due_on else None
    gauges.lag_seconds = {
        "dispatch": _lag(dispatch, now),
        "checkin": _lag(checkin, now),
        "charges": _lag(charge_moment, now),
    }
    return gauges


def celery_queues() -> list[str]:
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_NOTIFICATIONS_QUEUE})


@cache
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def queue_depths() -> dict[str, int]:
    """Messages waiting in each Celery queue (the Redis list of the queue's name). Raises
    redis.RedisError when the broker is down."""
    queues = celery_queues()
    pipeline = _broker(settings.CELERY_BROKER_URL).pipeline(transaction=False)
    for queue in queues:
        pipeline.llen(queue)
    return dict(zip(queues, pipeline.execute(), strict=True))


_categories: dict = {"at": -1e9, "map": {}}


def category_of_services() -> dict[str, str]:
    """{str(service id): category slug}, re-read at most every few minutes (a tiny table)."""
    if time.monotonic() - _categories["at"] > CATEGORY_CACHE_SECONDS:
        _categories["map"] = {
            str(pk): slug for pk, slug in Service.objects.values_list("pk", "category__slug")
        }
        _categories["at"] = time.monotonic()
    return _categories["map"]


def forget_categories() -> None:
    _categories["at"] = -1e9


@dataclass
class Counters:
    """The Redis counters, or `up=False` when Redis could not be read."""

    up: bool = True
    total: dict = field(default_factory=dict)
    day: dict = field(default_factory=dict)
    online: int = 0
    worker: dict = field(default_factory=dict)


def counters(*, day: date | None = None) -> Counters:
    try:
        found = metrics.read(day or clock.today())
    except (redis.RedisError, OSError) as error:
        logger.warning("vital signs: counters unavailable (%s)", error)
        return Counters(up=False)
    return Counters(**found)


def sum_by_category(fields: dict, name: str, services: dict[str, str]) -> dict[tuple, int]:
    """{(category, lead band): n} for counter `name` (fields `name|service|band`)."""
    out: dict[tuple, int] = {}
    for key, value in fields.items():
        parts = key.split("|")
        if parts[0] != name or len(parts) != 3:
            continue
        labels = (services.get(parts[1], "unknown"), parts[2])
        out[labels] = out.get(labels, 0) + value
    return out


def day_window(day: date) -> tuple[datetime, datetime]:
    start = clock.start_of_paris_day(day)
    return start, clock.start_of_paris_day(day + timedelta(days=1))
