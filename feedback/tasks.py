"""Celery tasks of feedback: thin, call one service, safe to run twice.

`feedback_sweep` runs every 5 minutes from beat (settings.CELERY_BEAT_SCHEDULE): review
invitations for sessions done since the last run (one row per booking: never twice), and
what a lost blacklist signal left open.
"""

from celery import shared_task

from . import services


@shared_task(name="feedback.tasks.feedback_sweep", ignore_result=True)
def feedback_sweep() -> dict:
    return {
        "invitations": services.review_invitations_send_due(),
        "blacklist_cancellations": services.blacklisted_work_sweep(),
    }
