"""Account services shared by customers and pros: login (guarded by django-axes, see
core.doors), profile and language, API tokens, password reset, and the field cleaners sign-up
paths share.

The kernel imports no other app: the reset link is built with reverse() of a URL name, and
API tokens are django-rest-knox rows looked up by app label (no import of the API framework).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit import audit
from .errors import DomainError, InvalidInput
from .phones import InvalidPhone, phone_to_e164
from .text import clean_text

logger = logging.getLogger(__name__)

# The web page where a reset link lands. The pro web UI serves it for every account
# (customers have no web UI), so customers' API resets point there too.
PASSWORD_RESET_CONFIRM_URL_NAME = "pros:password_reset_confirm"


class InvalidCredentials(DomainError):
    status = 400
    code = "invalid_credentials"
    default_message = _("Incorrect email or password.")


class AccountLocked(DomainError):
    status = 429
    code = "account_locked"
    default_message = _("Too many failed attempts: this account is locked for a few minutes.")


def login_attempt(*, email, password, request):
    """Return the user for valid credentials. Every door that takes a password calls this (or
    Django's authenticate(), as the admin does) with the request: django-axes counts failures
    per e-mail and client address and refuses a locked combination, even with the right
    password, for settings.LOGIN_LOCKOUT_SECONDS after settings.LOGIN_MAX_FAILURES failures."""
    email = clean_text(email, field="email").lower()
    password = password if isinstance(password, str) else ""
    user = authenticate(request, username=email, password=password)
    if user is not None:
        return user
    # Set by axes on the failure that reaches the limit and on every attempt while locked.
    if getattr(request, "axes_locked_out", False):
        raise AccountLocked()
    raise InvalidCredentials()


# --- field cleaners (raise InvalidInput with the field's messages) ----------------------------


def clean_phone(phone: str, *, field: str = "phone") -> str:
    phone = clean_text(phone, field=field)
    try:
        return phone_to_e164(phone)
    except InvalidPhone as exc:
        raise InvalidInput(fields={field: [str(exc)]}) from exc


def clean_email(email: str) -> str:
    email = clean_text(email, field="email").lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(fields={"email": list(exc.messages)}) from exc
    return email


def clean_name(field: str, value: str) -> str:
    return clean_text(value, field=field, required=True, max_length=150)


def clean_language(value: str) -> str:
    known = [code for code, _name in settings.LANGUAGES]
    value = clean_text(value, field="language")
    if value not in known:
        raise InvalidInput(
            fields={
                "language": [gettext("Choose one of: %(codes)s.") % {"codes": ", ".join(known)}]
            }
        )
    return value


def clean_password(password: str, *, user) -> None:
    """Django's password validators for this (possibly unsaved) user."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(fields={"password": list(exc.messages)}) from exc


# --- profile ----------------------------------------------------------------------------------


def user_profile_update(*, user, **changes):
    """Update first_name / last_name / phone / language of the user; e-mail is not changeable
    here. `language` is the one messages (notifications, e-mails) are written in."""
    allowed = {"first_name", "last_name", "phone", "language"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            fields={name: [gettext("This field cannot be changed.")] for name in sorted(unknown)}
        )
    cleaned = {}
    for name, value in changes.items():
        if name == "phone":
            cleaned[name] = clean_phone(value)
        elif name == "language":
            cleaned[name] = clean_language(value)
        else:
            cleaned[name] = clean_name(name, value)
    User = get_user_model()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = {name: getattr(locked, name) for name in cleaned}
        changed = {name: value for name, value in cleaned.items() if before[name] != value}
        if changed:
            for name, value in changed.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(changed))
            audit(
                action="user.profile_updated",
                subject=locked,
                actor=user,
                data={"fields": sorted(changed)},
            )
    for name, value in cleaned.items():
        setattr(user, name, value)
    return user


# --- API tokens -------------------------------------------------------------------------------
# django-rest-knox: one token per login (device), stored as a hash, expiring after
# REST_KNOX["TOKEN_TTL"] unused (each use renews it, up to AUTO_REFRESH_MAX_TTL). All of a
# user's tokens die when the password changes or the account is deactivated (core.models.User.save)
# and on "log out everywhere".


def _token_model():
    # knox's table, by app label like any other app's model: the kernel's domain code does not
    # import the API framework (checked by import-linter).
    return apps.get_model("knox", "AuthToken")


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown once: only its hash is stored
    expires_at: datetime | None


def auth_token_issue(*, user) -> IssuedToken:
    """A new token for one more device. Drops the user's expired tokens, and the oldest ones
    beyond settings.API_TOKENS_PER_USER."""
    AuthToken = _token_model()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        token, key = AuthToken.objects.create(user=user)
        beyond = AuthToken.objects.filter(user=user).order_by("-created", "-pk")[
            settings.API_TOKENS_PER_USER :
        ]
        AuthToken.objects.filter(pk__in=list(beyond.values_list("pk", flat=True))).delete()
    return IssuedToken(key=key, expires_at=token.expiry)


def auth_token_login(*, email, password, request) -> tuple:
    """Log in through the API: (user, IssuedToken). Sends Django's user_logged_in like a web
    login does (last_login; a success clears the e-mail+address's failures)."""
    user = login_attempt(email=email, password=password, request=request)
    issued = auth_token_issue(user=user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user, issued


def auth_token_revoke(*, token) -> None:
    """Log out one device: the token it authenticated with (request.auth)."""
    token.delete()


def auth_tokens_revoke_all(*, user, reason: str, actor=None) -> int:
    """Log out every device of this user; audited when there was any. Returns how many."""
    with transaction.atomic():
        count, _by_model = _token_model().objects.filter(user=user).delete()
        if count:
            audit(
                action="user.api_tokens_revoked",
                subject=user,
                actor=actor,
                data={"count": count, "reason": reason},
            )
    return count


# --- password reset ---------------------------------------------------------------------------


def password_reset_link(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse(PASSWORD_RESET_CONFIRM_URL_NAME, kwargs={"uidb64": uidb64, "token": token})
    return f"{settings.SITE_URL}{path}"


def password_reset_request(*, email: str) -> bool:
    """E-mail a reset link when an active account has this address; the e-mail goes out once
    the audit row is committed. Returns whether one was sent; callers must not reveal it (no
    account enumeration)."""
    email = clean_text(email, field="email")
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    _password_reset_send(user, actor=None)
    return True


def _password_reset_send(user, *, actor) -> None:
    # Worded now, in the language of the request that asked for it.
    subject = gettext("Reset your password")
    message = gettext(
        "Hello,\n\nSomeone (hopefully you) asked to reset the password of your "
        "account. Choose a new password here:\n\n%(link)s\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays the same."
    ) % {"link": password_reset_link(user)}

    def send():
        try:
            send_mail(
                subject=subject,
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
        except Exception:  # an e-mail outage must not reveal anything nor fail the request
            logger.exception("password reset e-mail failed for user %s", user.pk)

    with transaction.atomic():
        audit(action="user.password_reset_requested", subject=user, actor=actor)
        transaction.on_commit(send)


# --- support's account work (the admin) --------------------------------------------------------
# Support sees accounts, deactivates and reactivates them and sends a reset link to the
# account's own address; it never sets a password nor touches privileges (core.admin). A staff
# account is changed by superusers only, so support cannot lock the admins out either.


class AccountProtected(DomainError):
    status = 403
    code = "account_protected"
    default_message = _("Only a superuser can change a staff account.")


class AccountInactive(DomainError):
    code = "account_inactive"
    default_message = _("This account is deactivated.")


def _may_manage(user, by) -> None:
    if (user.is_staff or user.is_superuser) and not getattr(by, "is_superuser", False):
        raise AccountProtected()


def _set_active(*, user, by, active: bool):
    _may_manage(user, by)
    User = get_user_model()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])  # deactivation revokes the API tokens
            audit(
                action="user.activated" if active else "user.deactivated",
                subject=locked,
                actor=by,
            )
    user.is_active = active
    return user


def user_deactivate(*, user, by):
    """The account can no longer log in (web, admin, API: its tokens are revoked). Idempotent."""
    return _set_active(user=user, by=by, active=False)


def user_reactivate(*, user, by):
    return _set_active(user=user, by=by, active=True)


def user_password_reset_send(*, user, by) -> None:
    """Support e-mails the account's owner a reset link (to the account's own address)."""
    if not user.is_active:
        raise AccountInactive()
    if not user.has_usable_password():
        raise InvalidInput(_("This account has no password to reset."))
    _password_reset_send(user, actor=by)
