"""Celery tasks of notifications, routed to their own `notifications` queue
(settings.CELERY_TASK_ROUTES): thin, take ids, safe to run twice."""

from celery import shared_task

from . import emails


@shared_task(name="notifications.tasks.send_notification_emails", ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail these notifications (a batch: one message per transition or engine batch)."""
    return emails.send_notification_emails(notification_ids)
