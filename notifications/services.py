"""Every write about notifications: notify() records one (notify_many() several in one
statement) and e-mails it from the `notifications` queue once the transaction commits."""

import logging

from django.db import transaction
from django.utils import timezone

from . import emails, tasks
from .models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    user,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict | None = None,
    email: bool = True,
) -> Notification:
    """Record an in-app notification and e-mail it once the surrounding transaction commits.

    `title` and `body` are rendered by the caller in the recipient's language.
    """
    notification = Notification.objects.create(
        user=user, kind=kind, title=str(title), body=str(body), url=url, data=data or {}
    )
    if email and user.email:
        _email_on_commit([notification.pk])
    return notification


def notify_many(notifications: list[Notification], *, email: bool = True) -> list[Notification]:
    """Record unsaved notifications (built by the caller, in each recipient's language) in one
    statement and e-mail them, in one queued task, once the transaction commits (users
    without an e-mail address are skipped by the sender)."""
    if not notifications:
        return []
    created = Notification.objects.bulk_create(notifications)
    if email:
        _email_on_commit([notification.pk for notification in created])
    return created


def _email_on_commit(notification_ids: list[int]) -> None:
    transaction.on_commit(lambda: publish_emails(notification_ids))


def publish_emails(notification_ids: list[int]) -> None:
    """Queue the e-mails on the `notifications` queue (called on commit). With the broker down
    they are sent here rather than lost. Tests replace this function (tests/conftest.py) by
    the in-process sender, so no test message reaches a broker."""
    try:
        tasks.send_notification_emails.delay(notification_ids)
    except Exception:
        logger.exception("could not queue notification e-mails; sending them in-process")
        emails.send_notification_emails(notification_ids)


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
