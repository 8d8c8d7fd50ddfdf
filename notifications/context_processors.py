"""`unread_notifications` for the header bell: counted only if a template uses it."""

from functools import cache

from .selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count():
        return unread_count(user=user)

    return {"unread_notifications": count}
