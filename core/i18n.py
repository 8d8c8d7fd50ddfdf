from django.conf import settings


def language_of(user) -> str:
    """The language to write to `user` in (notifications, e-mails): the one they last used."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE
