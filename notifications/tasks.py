"""Celery tasks of notifications, routed to their own `notifications` queue
(settings.CELERY_TASK_ROUTES): thin, take ids, safe to run twice."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import emails, push


@shared_task(name="notifications.tasks.send_notification_emails", ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail these notifications (a batch: one message per transition or engine batch)."""
    return emails.send_notification_emails(notification_ids)


@shared_task(name="notifications.tasks.send_notification_pushes", ignore_result=True)
def send_notification_pushes(notification_ids: list[int]) -> int:
    """Push these notifications to their users' devices (web push)."""
    return push.send_notification_pushes(notification_ids)


@shared_task(name="notifications.tasks.send_test_push", ignore_result=True)
def send_test_push(user_id: int) -> int:
    """The devices page's "send a test notification"."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return push.send_test_push(user) if user else 0
