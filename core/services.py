"""Account services shared by customers and pros: login with lock-out, profile and language,
API tokens, password reset, and the field cleaners sign-up paths share.

The kernel imports no other app: the reset link is built with reverse() of a URL name, and
API tokens are DRF authtoken rows looked up by app label (no import of the API framework).
"""

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
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


# --- field cleaners (raise InvalidInput with the field's messages) ----------------------------


def clean_phone(phone: str, *, field: str = "phone") -> str:
    try:
        return phone_to_e164(phone)
    except InvalidPhone as exc:
        raise InvalidInput(fields={field: [str(exc)]}) from exc


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(fields={"email": list(exc.messages)}) from exc
    return email


def clean_name(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(fields={field: [gettext("This field is required.")]})
    if len(value) > 150:
        raise InvalidInput(
            fields={field: [gettext("Ensure this field has no more than 150 characters.")]}
        )
    return value


def clean_language(value: str) -> str:
    known = [code for code, _name in settings.LANGUAGES]
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


def _token_model():
    # DRF's authtoken table, by app label like any other app's model: the kernel's domain
    # code does not import the API framework (checked by import-linter).
    return apps.get_model("authtoken", "Token")


def auth_token_issue(*, user):
    """The user's API token (one per user; created on first login)."""
    token, _created = _token_model().objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user) -> None:
    _token_model().objects.filter(user=user).delete()


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
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
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
        audit(action="user.password_reset_requested", subject=user)
        transaction.on_commit(send)
    return True
