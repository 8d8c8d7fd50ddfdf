"""Celery tasks of check-in: thin, call one service, safe to run twice.

`checkin_sweep` runs every minute from beat (settings.CELERY_BEAT_SCHEDULE): the deadlines
are indexed columns, so a lost run delays nothing by more than one more minute.
"""

from celery import shared_task

from . import services


@shared_task(name="checkin.tasks.checkin_sweep", ignore_result=True)
def checkin_sweep() -> int:
    return len(services.checkin_sweep())
