"""Every write about notifications: notify() records one (notify_many() several in one
statement) and e-mails it from the `notifications` queue once the transaction commits."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

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
    notification = Notification(
        user=user, kind=kind, title=str(title), body=str(body), url=url, data=data or {}
    )
    queued = _queued.get()
    if queued is not None:
        queued.append((notification, email and bool(user.email)))
        return notification
    notification.save(force_insert=True)
    if email and user.email:
        _email_on_commit([notification.pk])
    return notification


# Notifications notify() queues inside `written_together()` (None: written at once).
_queued: ContextVar[list | None] = ContextVar("notifications_queued", default=None)


@contextmanager
def written_together():
    """notify() calls inside the block queue their notifications; one INSERT writes them all
    when the block ends without an error, and one queued task e-mails them after the commit
    (the dispatch engine's batches). Use it inside the transaction."""
    queued: list[tuple[Notification, bool]] = []
    token = _queued.set(queued)
    try:
        yield
    finally:
        _queued.reset(token)
    notify_many([notification for notification, _email in queued], email=False)
    emailed = [notification.pk for notification, email in queued if email]
    if emailed:
        _email_on_commit(emailed)


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
