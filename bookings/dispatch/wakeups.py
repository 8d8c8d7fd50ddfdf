"""Broker wake-ups for the engine. A request's due time is data (`next_dispatch_at`, swept
every 30 s); a wake-up only makes the engine prompt, so a lost one delays nothing by more than
one sweep.

Import cycle, on purpose: `bookings.tasks` imports the engine, the engine imports this module
and this module imports `bookings.tasks` (to publish its task). Each side imports the *module*
and reads its attributes only when called, so any import order works
(tests/bookings/test_import_order.py pins that).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from bookings import tasks
from core import clock

from ..models import BookingRequest

logger = logging.getLogger(__name__)

# Wake-ups further away than this are left to the sweep (the broker's visibility timeout
# must stay above every countdown we enqueue).
MAX_WAKE_COUNTDOWN = timedelta(hours=1, minutes=5)


def wake(request_id: int, *, at: datetime | None = None, now: datetime | None = None) -> None:
    """Enqueue a dispatch wake-up for the request once the transaction commits (`at` None:
    at once)."""
    now = now or clock.now()
    countdown = 0.0 if at is None else max(0.0, (at - now).total_seconds())
    if countdown > MAX_WAKE_COUNTDOWN.total_seconds():
        return
    transaction.on_commit(lambda: publish(request_id, countdown))


def wake_many(due: dict[int, datetime], *, now: datetime) -> None:
    """Wake-ups for many requests (a sweep batch): one message per distinct time, each naming
    all the requests due then (a batch's new proposals share a few answer times), instead of
    one message per request."""
    by_time: dict[datetime, list[int]] = {}
    for request_id, at in due.items():
        by_time.setdefault(at, []).append(request_id)
    for at, request_ids in by_time.items():
        if len(request_ids) == 1:
            wake(request_ids[0], at=at, now=now)
            continue
        countdown = max(0.0, (at - now).total_seconds())
        if countdown <= MAX_WAKE_COUNTDOWN.total_seconds():
            _publish_on_commit(sorted(request_ids), countdown)


def _publish_on_commit(request_ids: list[int], countdown: float) -> None:
    transaction.on_commit(lambda: publish(request_ids, countdown))


def free_place(request: BookingRequest, *, now: datetime) -> None:
    """A place in the wave was freed (a refusal, a counter-offer, a withdrawal): the request
    is due now, so the next candidate is asked at once. The request must be locked."""
    request.next_dispatch_at = now
    request.save(update_fields=["next_dispatch_at"])
    wake(request.pk, now=now)


def publish(request_id: int | list[int], countdown: float = 0) -> None:
    """Send the wake-up for one request, or for a list of them in one message (called on
    commit). A broker outage must not break the transition that already committed: the sweep
    will pick the request up. Tests replace this function (tests/conftest.py) so no test
    message reaches a broker unless a test starts a worker."""
    try:
        # No countdown at all for "now": an ETA, even a past one, goes through the worker's timer.
        timing = {"countdown": countdown} if countdown > 0 else {}
        task, argument = (
            (tasks.dispatch_requests, request_id)
            if isinstance(request_id, list)
            else (tasks.dispatch_request, request_id)
        )
        task.apply_async((argument,), queue=settings.CELERY_TASK_DEFAULT_QUEUE, **timing)
    except Exception:
        logger.exception(
            "could not enqueue dispatch wake-up for request %s",
            request_id,
            extra={"booking_request_id": request_id if isinstance(request_id, int) else None},
        )
