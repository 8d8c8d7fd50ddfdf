"""The e-mail copy of in-app notifications: what a `notifications` queue worker sends.

`notifications.services` records the notifications and hands their ids here through the
`notifications` Celery queue on commit (`tasks.send_notification_emails`), so no transition,
and in particular no dispatch step, waits for a mail server.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail

from .models import Notification

logger = logging.getLogger(__name__)


def send_notification_emails(notification_ids) -> int:
    """E-mail each notification to its user (title as subject, body and link as text),
    rendered now in the user's current language. Returns how many were sent; a failed e-mail is logged and does not stop the others."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=list(notification_ids)).select_related(
        "user"
    ):
        if not notification.user.email:
            continue
        url = notification.url
        link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
        title, body = notification.rendered_for_reader()
        try:
            send_mail(
                subject=title,
                message="\n\n".join(part for part in (body, link) if part),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.user.email],
            )
            sent += 1
        except Exception:  # an e-mail outage must not stop the other e-mails
            logger.exception("notification e-mail failed for %s", notification.pk)
    return sent
