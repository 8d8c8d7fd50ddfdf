"""Authentication with lock-out, shared by the API token endpoint and the pro web login."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audit
from .errors import DomainError


class InvalidCredentials(DomainError):
    status = 400
    code = "invalid_credentials"
    default_message = _("Incorrect email or password.")


class AccountLocked(DomainError):
    status = 429
    code = "account_locked"
    default_message = _("Too many failed attempts: this account is locked for a few minutes.")


def login_attempt(*, email: str, password: str, request=None):
    """Return the user for valid credentials; count failures and lock the account after
    settings.LOGIN_MAX_FAILURES of them for settings.LOGIN_LOCKOUT_SECONDS."""
    User = get_user_model()
    email = (email or "").strip().lower()
    now = timezone.now()
    known = User.objects.filter(email__iexact=email).only("pk", "locked_until").first()
    if known and known.locked_until and known.locked_until > now:
        raise AccountLocked()
    user = authenticate(request, username=email, password=password)
    if user is not None:
        if known and known.failed_login_count:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        return user
    if known:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=known.pk)
            locked.failed_login_count += 1
            if locked.failed_login_count >= settings.LOGIN_MAX_FAILURES:
                locked.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
                locked.failed_login_count = 0
                audit(
                    action="user.locked",
                    subject=locked,
                    data={"until": locked.locked_until.isoformat()},
                )
            locked.save(update_fields=["failed_login_count", "locked_until"])
        if locked.locked_until and locked.locked_until > now:
            raise AccountLocked()
    raise InvalidCredentials()
