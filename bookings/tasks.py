"""Celery tasks of the dispatch engine: thin, take ids, call one engine function, safe to
run twice.

Wake-ups are enqueued on commit by `bookings.dispatch.wakeups` (which imports this module
back: see its docstring for why that cycle is harmless); the beat sweep every 30 s
(settings.CELERY_BEAT_SCHEDULE) makes every due time certain even if a message is lost.
"""

import logging

from celery import shared_task
from django.conf import settings

from bookings.dispatch import engine

logger = logging.getLogger(__name__)


@shared_task(name="bookings.tasks.dispatch_request", ignore_result=True)
def dispatch_request(request_id: int) -> None:
    """One engine step for this request if due (expire due proposals, open the next wave), with
    other due requests in the same set-based step (engine.booking_request_wake)."""
    engine.booking_request_wake(request_id=request_id)


@shared_task(name="bookings.tasks.dispatch_requests", ignore_result=True)
def dispatch_requests(request_ids: list[int]) -> None:
    """One engine step for each of these requests (a sweep batch's wake-up), in one
    transaction; those another transaction holds are left to it and to the sweep."""
    engine.booking_requests_advance(request_ids=request_ids)


@shared_task(name="bookings.tasks.dispatch_sweep", ignore_result=True)
def dispatch_sweep() -> int:
    """Every due request, in claimed batches. A pass that used its time yields and queues
    the next one at once (a backlog is cleared pass after pass, none outliving the beat)."""
    processed, finished = engine.sweep_pass()
    if not finished:
        try:
            dispatch_sweep.apply_async(
                queue=settings.CELERY_TASK_DEFAULT_QUEUE, expires=settings.DISPATCH_SWEEP_SECONDS
            )
        except Exception:  # the beat's next pass goes on anyway
            logger.exception("could not queue the next dispatch sweep pass")
    return processed
