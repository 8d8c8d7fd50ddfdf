"""Reads of a user's notifications (the web bell and list, the API).

Unread, the bell's rule (README, "the bell"): not read, not past its `expires_at`, and for the
kinds an app gives a rule (kinds.unread_rule: a proposal notification counts only while the
proposal can still be answered) accepted by that rule. One rule for the bell, the list page,
the API and the live updates.
"""

from django.db.models import BooleanField, Case, Q, Value, When

from core import clock

from . import kinds
from .models import Notification


def unread_condition(user, *, now=None) -> Q:
    """The rows of `user` that count as unread."""
    now = now or clock.now()
    condition = Q(read_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    for kind, rule in kinds.unread_rules().items():
        condition &= ~Q(kind=kind) | rule(user, now)
    return condition


def notifications_for(user, *, unread_only: bool = False):
    """The user's notifications, newest first, each with `unread` (the bell's rule)."""
    condition = unread_condition(user)
    queryset = (
        Notification.objects.filter(user=user)
        .annotate(
            unread=Case(
                When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-created_at", "-id")
    )
    if unread_only:
        queryset = queryset.filter(condition)
    return queryset


def unread_count(*, user) -> int:
    return Notification.objects.filter(Q(user=user) & unread_condition(user)).count()
