"""Every write about customers: registration, addresses, blacklist.

Account services shared with pros (profile and language, API tokens, password reset) live in
`core.services`; they are re-exported here so older callers keep working.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import InvalidInput, NotFound
from core.geo import cell_of
from core.services import (  # noqa: F401 - the account services are re-exported (docstring)
    auth_token_issue,
    auth_token_revoke,
    clean_email,
    clean_name,
    clean_password,
    clean_phone,
    password_reset_link,
    password_reset_request,
    user_profile_update,
)
from core.text import clean_text

from .models import Address, Customer
from .signals import customer_blacklisted, customer_created

User = get_user_model()


# --- registration -----------------------------------------------------------------------------


def customer_register(
    *, email: str, password: str, first_name: str, last_name: str, phone: str, language: str = ""
) -> Customer:
    """Create the User and its Customer profile in one transaction. Raises InvalidInput with
    fields for a taken e-mail, a weak password or an invalid phone; nothing is written then."""
    email = clean_email(email)
    first_name = clean_name("first_name", first_name)
    last_name = clean_name("last_name", last_name)
    phone = clean_phone(phone)
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(
            fields={"email": [_("An account already exists with this e-mail address.")]}
        )
    language = language if language in {code for code, _name in settings.LANGUAGES} else ""
    candidate = User(
        email=email, first_name=first_name, last_name=last_name, phone=phone, language=language
    )
    clean_password(password, user=candidate)
    try:
        with transaction.atomic():
            candidate.set_password(password)
            candidate.save()
            customer = Customer.objects.create(user=candidate)
            audit(action="customer.registered", subject=customer, actor=candidate)
            customer_created.send(sender=Customer, customer=customer)
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
            customer_created.send(sender=Customer, customer=customer)
    return customer


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
    errors, text = {}, {}
    for field, value in (("street", street), ("city", city), ("label", label)):
        try:
            text[field] = clean_text(value, field=field, required=field != "label")
        except InvalidInput as exc:
            errors.update(exc.fields)
    street, city, label = text.get("street", ""), text.get("city", ""), text.get("label", "")
    try:
        postal_code = clean_text(postal_code, field="postal_code").replace(" ", "")
    except InvalidInput:
        postal_code = ""
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
    Idempotent: blacklisting an already blacklisted customer changes nothing. On commit,
    `customer_blacklisted` is sent: feedback cancels their open requests and future bookings."""
    if not clean_text(reason, field="reason"):
        raise InvalidInput(fields={"reason": [_("Give the reason for the blacklisting.")]})
    reason = clean_text(reason, field="reason")
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if not locked.is_blacklisted:
            locked.is_blacklisted = True
            locked.blacklisted_at = timezone.now()
            locked.blacklist_reason = reason
            locked.save(update_fields=["is_blacklisted", "blacklisted_at", "blacklist_reason"])
            audit(action="customer.blacklisted", subject=locked, actor=by, data={"reason": reason})
            transaction.on_commit(
                lambda: customer_blacklisted.send(
                    sender=Customer, customer=locked, by=by, reason=reason
                )
            )
    _copy(locked, customer, ["is_blacklisted", "blacklisted_at", "blacklist_reason"])
    return customer


def customer_unblacklist(*, customer: Customer, by, reason: str = "") -> Customer:
    reason = clean_text(reason, field="reason")
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
                data={"reason": reason, "previous_reason": previous},
            )
    _copy(locked, customer, ["is_blacklisted", "blacklisted_at", "blacklist_reason"])
    return customer


def _copy(source, target, fields):
    for field in fields:
        setattr(target, field, getattr(source, field))
