"""Every write about notifications: notify() records one (notify_many() several in one
statement) and, once the transaction commits, tells the user's open pages (live.py), e-mails it
and pushes it to the user's devices from the `notifications` queue (push.py)."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from core.bulk import insert_rows
from core.instances import new

from . import emails, kinds, live, push, tasks
from .models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    user,
    kind: str,
    params: dict | None = None,
    url: str = "",
    data: dict | None = None,
    email: bool = True,
    expires_at=None,
    urgent: bool = False,
) -> Notification:
    """Record an in-app notification; e-mail it and push it once the surrounding transaction
    commits.

    `kind` must have a renderer (kinds.py) and `params` be what it needs, plain JSON: the
    text is rendered when shown, in the reader's language then. `data`: ids of what it is
    about. `expires_at`: the message is moot after it (a proposal's answer time), so a push is
    not delivered later and it stops counting as unread; `urgent`: pushed with `Urgency: high`.
    """
    if not kinds.is_registered(kind):
        raise ValueError(f"no renderer for notification kind {kind!r}")
    if not user.is_active:  # a closed account (privacy.erasure): nothing recorded or sent
        return Notification(user=user, kind=kind, params=params or {})
    notification = new(
        Notification,
        user=user,
        kind=kind,
        params=kinds.check_params(params or {}),
        url=url,
        data=kinds.check_params(data or {}),
        expires_at=expires_at,
        urgent=urgent,
    )
    queued = _queued.get()
    if queued is not None:
        queued.append((notification, email and bool(user.email)))
        return notification
    notification.save(force_insert=True)
    _push_on_commit([notification])
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
    """Record unsaved notifications (built by the caller: kind and parameters) in one
    statement and e-mail them, in one queued task, once the transaction commits (users
    without an e-mail address are skipped by the sender)."""
    notifications = [n for n in notifications if _user_is_active(n)]  # closed: skipped
    if not notifications:
        return []
    created = insert_rows(Notification, notifications)
    _push_on_commit(created)
    if email:
        _email_on_commit([notification.pk for notification in created])
    return created


def _user_is_active(notification: Notification) -> bool:
    """From the user object it was built with, when there is one (no query)."""
    if not Notification.user.is_cached(notification):
        return True
    return notification.user.is_active


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


def _may_have_devices(notification: Notification) -> bool:
    """False only when the user object the notification was built with says so
    (`has_push_devices`: the dispatch engine reads it with its candidates, in the same
    statement); then no device query after the commit."""
    if not Notification.user.is_cached(notification):
        return True
    return getattr(notification.user, "has_push_devices", None) is not False


def _push_on_commit(notifications: list[Notification]) -> None:
    """Once committed: tell the users' open pages (live.py), then push to their devices."""
    ids = [notification.pk for notification in notifications]
    user_ids = {n.user_id for n in notifications if _may_have_devices(n)}

    def deliver():
        live.publish_notifications(notifications)
        if user_ids:
            publish_pushes(ids, user_ids)

    transaction.on_commit(deliver)


def publish_pushes(notification_ids: list[int], user_ids) -> None:
    """Queue the pushes on the `notifications` queue (called on commit) when one of the users
    has a device; with the broker down they are sent here. Tests replace this function
    (tests/conftest.py) by the in-process sender."""
    if not push.users_with_devices(user_ids):
        return
    try:
        tasks.send_notification_pushes.delay(notification_ids)
    except Exception:
        logger.exception("could not queue notification pushes; sending them in-process")
        push.send_notification_pushes(notification_ids)


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
