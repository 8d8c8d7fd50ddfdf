"""Reads of a user's notifications (the web bell and list, the API)."""

from .models import Notification


def notifications_for(user, *, unread_only: bool = False):
    """The user's notifications, newest first."""
    queryset = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
