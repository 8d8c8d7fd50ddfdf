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


def free_place(request: BookingRequest, *, now: datetime) -> None:
    """A place in the wave was freed (a refusal, a counter-offer, a withdrawal): the request
    is due now, so the next candidate is asked at once. The request must be locked."""
    request.next_dispatch_at = now
    request.save(update_fields=["next_dispatch_at"])
    wake(request.pk, now=now)


def publish(request_id: int, countdown: float = 0) -> None:
    """Send the wake-up (called on commit). A broker outage must not break the transition
    that already committed: the sweep will pick the request up. Tests replace this function
    (tests/conftest.py) so no test message reaches a broker unless a test starts a worker."""
    try:
        # No countdown at all for "now": an ETA, even a past one, goes through the worker's timer.
        timing = {"countdown": countdown} if countdown > 0 else {}
        tasks.dispatch_request.apply_async(
            (request_id,), queue=settings.CELERY_TASK_DEFAULT_QUEUE, **timing
        )
    except Exception:
        logger.exception("could not enqueue dispatch wake-up for request %s", request_id)
