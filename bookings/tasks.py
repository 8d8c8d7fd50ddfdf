"""Celery tasks of the dispatch engine: thin, take ids, call one service, safe to run twice.

Wake-ups are enqueued on commit by the services (through `publish_dispatch`); the beat sweep
every 30 s (settings.CELERY_BEAT_SCHEDULE) makes every due time certain even if a message
is lost.
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="bookings.tasks.dispatch_request", ignore_result=True)
def dispatch_request(request_id: int) -> None:
    """One engine step for one request: expire due proposals, open the next wave."""
    from .services import booking_request_advance

    booking_request_advance(request_id=request_id, only_if_due=True)


@shared_task(name="bookings.tasks.dispatch_sweep", ignore_result=True)
def dispatch_sweep() -> int:
    """Every due request, in SKIP LOCKED batches."""
    from .services import dispatch_sweep as sweep

    return sweep()


def publish_dispatch(request_id: int, countdown: float = 0) -> None:
    """Send the wake-up (called on commit). A broker outage must not break the transition
    that already committed: the sweep will pick the request up."""
    from django.conf import settings

    try:
        # No countdown at all for "now": an ETA, even a past one, goes through the worker's timer.
        timing = {"countdown": countdown} if countdown > 0 else {}
        dispatch_request.apply_async(
            (request_id,), queue=settings.CELERY_TASK_DEFAULT_QUEUE, **timing
        )
    except Exception:
        logger.exception("could not enqueue dispatch wake-up for request %s", request_id)
