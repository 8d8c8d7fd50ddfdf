"""A user's private calendar feed token (the feed itself is built by the app that owns what it
lists: bookings.calendar_feed for a pro's sessions). 128 random bits in the URL; a reset
replaces them (audited), so a leaked URL can be cut off."""

import secrets

from django.db import IntegrityError, transaction

from core.audit import audit

from .models import CalendarFeed


def _new_token() -> str:
    return secrets.token_urlsafe(16)


def calendar_feed_for(*, user) -> CalendarFeed:
    """The user's feed, made on first use."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=_new_token())
    except IntegrityError:  # made meanwhile by another request
        return CalendarFeed.objects.get(user=user)


def calendar_feed_reset(*, user, actor=None) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    with transaction.atomic():
        feed = calendar_feed_for(user=user)
        feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        feed.token = _new_token()
        feed.save(update_fields=["token"])
        audit(action="calendar_feed.reset", subject=user, actor=actor or user)
    return feed


def user_for_calendar_token(token: str):
    """The feed's user, or None (an unknown or reset token)."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed.user if feed else None
