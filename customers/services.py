"""Every write about customers: registration, profile, addresses, blacklist, API tokens."""

import logging
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.audit import audit
from core.errors import InvalidInput, NotFound
from core.geo import cell_of
from core.phones import InvalidPhone, phone_to_e164

from .models import Address, Customer

logger = logging.getLogger(__name__)
User = get_user_model()


def _clean_phone(phone: str) -> str:
    try:
        return phone_to_e164(phone)
    except InvalidPhone as exc:
        raise InvalidInput(fields={"phone": [str(exc)]}) from exc


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(fields={"email": list(exc.messages)}) from exc
    return email


def _clean_name(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(fields={field: [_("This field is required.")]})
    if len(value) > 150:
        raise InvalidInput(
            fields={field: [_("Ensure this field has no more than 150 characters.")]}
        )
    return value


# --- registration and profile -----------------------------------------------------------------


def customer_register(
    *, email: str, password: str, first_name: str, last_name: str, phone: str, language: str = ""
) -> Customer:
    """Create the User and its Customer profile in one transaction. Raises InvalidInput with
    fields for a taken e-mail, a weak password or an invalid phone; nothing is written then."""
    email = _clean_email(email)
    first_name = _clean_name("first_name", first_name)
    last_name = _clean_name("last_name", last_name)
    phone = _clean_phone(phone)
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(
            fields={"email": [_("An account already exists with this e-mail address.")]}
        )
    language = language if language in {code for code, _name in settings.LANGUAGES} else ""
    candidate = User(
        email=email, first_name=first_name, last_name=last_name, phone=phone, language=language
    )
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput(fields={"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            candidate.set_password(password)
            candidate.save()
            customer = Customer.objects.create(user=candidate)
            audit(action="customer.registered", subject=customer, actor=candidate)
    except IntegrityError as exc:  # the same e-mail registered concurrently
        raise InvalidInput(
            fields={"email": [_("An account already exists with this e-mail address.")]}
        ) from exc
    return customer


def customer_create_for_user(*, user) -> Customer:
    """Give an existing account (e.g. a pro) a customer profile, so it can book. Idempotent."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        customer, created = Customer.objects.get_or_create(user=user)
        if created:
            audit(action="customer.created", subject=customer, actor=user)
    return customer


def _clean_language(value: str) -> str:
    known = [code for code, _name in settings.LANGUAGES]
    if value not in known:
        raise InvalidInput(
            fields={"language": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(known)}]}
        )
    return value


def user_profile_update(*, user, **changes):
    """Update first_name / last_name / phone / language of the user; e-mail is not changeable
    here. `language` is the one messages (notifications, e-mails) are written in."""
    allowed = {"first_name", "last_name", "phone", "language"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)}
        )
    cleaned = {}
    for name, value in changes.items():
        if name == "phone":
            cleaned[name] = _clean_phone(value)
        elif name == "language":
            cleaned[name] = _clean_language(value)
        else:
            cleaned[name] = _clean_name(name, value)
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


# --- API tokens and password reset ------------------------------------------------------------


def auth_token_issue(*, user) -> Token:
    """The user's API token (one per user; created on first login)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def auth_token_revoke(*, user) -> None:
    Token.objects.filter(user=user).delete()


def password_reset_link(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # The pro web reset-confirm page (pros:password_reset_confirm), shared by customers and pros.
    return f"{settings.SITE_URL}/pro/password-reset/{uidb64}/{token}"


def password_reset_request(*, email: str) -> bool:
    """E-mail a reset link when an active account has this address. Returns whether one was
    sent; callers must not reveal it (no account enumeration)."""
    email = (email or "").strip()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    link = password_reset_link(user)
    audit(action="user.password_reset_requested", subject=user)
    try:
        send_mail(
            subject=_("Reset your password"),
            message=_(
                "Hello,\n\nSomeone (hopefully you) asked to reset the password of your account. "
                "Choose a new password here:\n\n%(link)s\n\n"
                "If you did not ask for this, ignore this e-mail: your password stays the same."
            )
            % {"link": link},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    except Exception:  # an e-mail outage must not reveal anything nor fail the request
        logger.exception("password reset e-mail failed for user %s", user.pk)
    return True


# --- addresses --------------------------------------------------------------------------------

_POSTAL_CODE = re.compile(r"^\d{5}$")
_SIX_PLACES = Decimal("0.000001")


def _coordinate(field: str, value, limit: int) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(_SIX_PLACES, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(fields={field: [_("Enter a number.")]}) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise InvalidInput(
            fields={
                field: [_("Must be between %(min)s and %(max)s.") % {"min": -limit, "max": limit}]
            }
        )
    return number


def address_create(
    *, customer: Customer, street: str, postal_code: str, city: str, lat, lng, label: str = ""
) -> Address:
    """Save an address the customer app geocoded, with its h3 cell for matching pros' zones."""
    errors = {}
    street, city, label = (street or "").strip(), (city or "").strip(), (label or "").strip()
    postal_code = (postal_code or "").replace(" ", "").strip()
    for field, value in (("street", street), ("city", city)):
        if not value:
            errors[field] = [_("This field is required.")]
    if not _POSTAL_CODE.match(postal_code):
        errors["postal_code"] = [_("Enter a French postal code (5 digits).")]
    coordinates = {}
    for field, value, limit in (("lat", lat, 90), ("lng", lng, 180)):
        try:
            coordinates[field] = _coordinate(field, value, limit)
        except InvalidInput as exc:
            errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        address = Address.objects.create(
            customer=customer,
            label=label[:60],
            street=street[:200],
            postal_code=postal_code,
            city=city[:100],
            lat=coordinates["lat"],
            lng=coordinates["lng"],
            h3_cell=cell_of(coordinates["lat"], coordinates["lng"]),
        )
        audit(action="address.created", subject=address, actor=customer.user)
    return address


def address_delete(*, customer: Customer, address: Address) -> None:
    """Soft delete (bookings keep pointing at it). Idempotent; only the owner's address."""
    with transaction.atomic():
        locked = (
            Address.objects.select_for_update().filter(pk=address.pk, customer=customer).first()
        )
        if locked is None:
            raise NotFound()
        if locked.deleted_at is not None:
            return
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at"])
        audit(action="address.deleted", subject=locked, actor=customer.user)
    address.deleted_at = locked.deleted_at


# --- blacklist --------------------------------------------------------------------------------


def customer_blacklist(*, customer: Customer, by, reason: str) -> Customer:
    """Support blacklists a customer: they can no longer book (customers.selectors.ensure_can_book).
    Idempotent: blacklisting an already blacklisted customer changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Give the reason for the blacklisting.")]})
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if not locked.is_blacklisted:
            locked.is_blacklisted = True
            locked.blacklisted_at = timezone.now()
            locked.blacklist_reason = reason
            locked.save(update_fields=["is_blacklisted", "blacklisted_at", "blacklist_reason"])
            audit(action="customer.blacklisted", subject=locked, actor=by, data={"reason": reason})
    _copy(locked, customer, ["is_blacklisted", "blacklisted_at", "blacklist_reason"])
    return customer


def customer_unblacklist(*, customer: Customer, by, reason: str = "") -> Customer:
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.is_blacklisted:
            previous = locked.blacklist_reason
            locked.is_blacklisted = False
            locked.blacklisted_at = None
            locked.blacklist_reason = ""
            locked.save(update_fields=["is_blacklisted", "blacklisted_at", "blacklist_reason"])
            audit(
                action="customer.unblacklisted",
                subject=locked,
                actor=by,
                data={"reason": (reason or "").strip(), "previous_reason": previous},
            )
    _copy(locked, customer, ["is_blacklisted", "blacklisted_at", "blacklist_reason"])
    return customer


def _copy(source, target, fields):
    for field in fields:
        setattr(target, field, getattr(source, field))
