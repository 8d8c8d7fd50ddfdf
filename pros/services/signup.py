"""Pro sign-up: a new account, or an existing one (e.g. a customer) becoming a pro too.

Every rule lives here, not in the form, so any client (web form, a future API) gets the same
checks: accepted terms, referral code, phone number, password strength, a free e-mail address.
"""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit
from core.errors import InvalidInput
from core.phones import InvalidPhone, phone_to_e164
from core.text import clean_text

from ..errors import AlreadyPro, EmailTaken, InvalidReferralCode, TermsNotAccepted
from ..models import Pro
from .link import new_personal_link_slug

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _new_referral_code() -> str:
    while True:
        code = "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))
        if not Pro.objects.filter(referral_code=code).exists():
            return code


def _referrer(referral_code: str) -> Pro | None:
    code = (referral_code or "").strip().upper()
    if not code:
        return None
    referrer = Pro.objects.filter(referral_code=code).first()
    if referrer is None:
        raise InvalidReferralCode(
            fields={"referral_code": [str(InvalidReferralCode.default_message)]}
        )
    return referrer


def _clean_phone(phone: str, *, required: bool) -> str:
    """E.164, or "" when not given and not required. Collected with the password's errors."""
    if not (phone or "").strip() and not required:
        return ""
    try:
        return phone_to_e164(phone)
    except InvalidPhone as exc:
        raise InvalidInput(fields={"phone": [str(exc)]}) from exc


def _check_new_account(*, email, password, first_name, last_name, phone) -> str:
    """Phone and password strength for a new account, every refusal at once. Returns the
    E.164 phone."""
    errors = {}
    try:
        phone = _clean_phone(phone, required=True)
    except InvalidInput as error:
        errors.update(error.fields)
    probe = get_user_model()(email=email, first_name=first_name, last_name=last_name)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(fields=errors)
    return phone


def _create_account(*, email, password, first_name, last_name, phone):
    User = get_user_model()
    email = (email or "").strip().lower()
    phone = _check_new_account(
        email=email, password=password, first_name=first_name, last_name=last_name, phone=phone
    )
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                phone=phone,
            )
    except IntegrityError as exc:  # a concurrent sign-up with the same e-mail
        raise EmailTaken() from exc


def _complete_existing_account(user, *, first_name, last_name, phone):
    """Lock the account and fill only its empty name and phone fields."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if Pro.objects.filter(user=user).exists():
        raise AlreadyPro()
    phone = _clean_phone(phone, required=False)
    changed = []
    for field, value in (("first_name", first_name), ("last_name", last_name), ("phone", phone)):
        if value and not getattr(user, field):
            setattr(user, field, value.strip())
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


@transaction.atomic
def pro_signup(
    *,
    terms_accepted: bool,
    user=None,
    email: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    referral_code: str = "",
) -> Pro:
    """Create a pro profile (status onboarding) for a new user, or for `user` (an existing
    account, e.g. a customer, becoming a pro too). Free; accepting the terms is required.
    Refusals, in order: terms, referral code, phone and password (together), e-mail taken."""
    if not terms_accepted:
        raise TermsNotAccepted(fields={"terms": [str(TermsNotAccepted.default_message)]})
    email, first_name, last_name, phone, referral_code = (
        clean_text(value, field=field)
        for field, value in (
            ("email", email),
            ("first_name", first_name),
            ("last_name", last_name),
            ("phone", phone),
            ("referral_code", referral_code),
        )
    )
    referrer = _referrer(referral_code)
    if user is None:
        user = _create_account(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
        )
    else:
        user = _complete_existing_account(
            user, first_name=first_name, last_name=last_name, phone=phone
        )
    pro = Pro.objects.create(
        user=user,
        slug=new_personal_link_slug(user.first_name, user.last_name),
        referral_code=_new_referral_code(),
        referred_by=referrer,
        terms_accepted_at=timezone.now(),
    )
    audit(
        action="pro.signed_up",
        subject=pro,
        actor=user,
        data={"referred_by": referrer.pk if referrer else None},
    )
    return pro
