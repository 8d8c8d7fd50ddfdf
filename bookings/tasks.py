"""Celery tasks of the dispatch engine: thin, take ids, call one engine function, safe to
run twice.

Wake-ups are enqueued on commit by `bookings.dispatch.wakeups` (which imports this module
back: see its docstring for why that cycle is harmless); the beat sweep every 30 s
(settings.CELERY_BEAT_SCHEDULE) makes every due time certain even if a message is lost.
"""

from celery import shared_task

from bookings.dispatch import engine


@shared_task(name="bookings.tasks.dispatch_request", ignore_result=True)
def dispatch_request(request_id: int) -> None:
    """One engine step for one request: expire due proposals, open the next wave."""
    engine.booking_request_advance(request_id=request_id, only_if_due=True)


@shared_task(name="bookings.tasks.dispatch_sweep", ignore_result=True)
def dispatch_sweep() -> int:
    """Every due request, in SKIP LOCKED batches."""
    return engine.dispatch_sweep()
