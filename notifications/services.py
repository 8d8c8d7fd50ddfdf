"""Every write about notifications: notify() records one and e-mails it on commit."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

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
        link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url

        def send():
            try:
                send_mail(
                    subject=str(title),
                    message="\n\n".join(part for part in (str(body), link) if part),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email],
                )
            except (
                Exception
            ):  # an e-mail outage must not break the transition that already committed
                logger.exception("notification e-mail failed for %s", notification.pk)

        transaction.on_commit(send)
    return notification


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())
