"""A blacklisted customer who closes their account must not come back under a new one and be
offered to the same pros again (the pros' legitimate interest, GDPR art. 6(1)(f); README
"Personal data: blacklist after closure", docs/privacy/register.md).

At closure (privacy.erasure), for a blacklisted customer only, one `BlacklistCarryOver` keeps
keyed hashes of the normalised e-mail address and phone number the account had — an HMAC-SHA256
under a key derived from the `PRIVACY_HASH_KEY` setting (SECRET_KEY by default), so the list
cannot be matched against guessed addresses without the key — with the closed customer row and
the ids of the reports that led to the blacklisting. Nothing else about the person is kept.

When a customer account is created (customers.signals.customer_created: sign-up, or a pro
becoming a customer) with the same e-mail or phone while the carry-over lives, the new account
is blacklisted at once (customers.services.customer_blacklist: it can book nothing, no pro is
offered its requests) and the carry-over is linked to it, in the creation's transaction;
audited `privacy.blacklist_carried_over`. Carry-overs are deleted
PRIVACY_BLACKLIST_CARRY_OVER_DAYS after the closure (privacy.retention).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.crypto import salted_hmac

from core import clock
from core.audit import audit
from core.phones import InvalidPhone, phone_to_e164
from customers.models import Customer
from customers.services import customer_blacklist
from feedback.models import Report

from .models import BlacklistCarryOver

KEY_SALT = "wecasa.privacy.blacklist_carry_over"
_TAG = re.compile(r"\+[^@]*@")


def normalise_email(email: str) -> str:
    """Lower case, no surrounding spaces, no "+tag" in the local part (alice+2@x = alice@x)."""
    return _TAG.sub("@", (email or "").strip().lower())


def normalise_phone(phone: str) -> str:
    """E.164 when it parses (06 12 34 56 78 = +33612345678), else its digits; "" if none."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        return phone_to_e164(phone)
    except InvalidPhone:
        return "".join(ch for ch in phone if ch.isdigit())


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of `value` under a key derived from PRIVACY_HASH_KEY ("" for no value)."""
    if not value:
        return ""
    secret = settings.PRIVACY_HASH_KEY or settings.SECRET_KEY
    return salted_hmac(KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def email_hash(email: str) -> str:
    return keyed_hash(normalise_email(email))


def phone_hash(phone: str) -> str:
    return keyed_hash(normalise_phone(phone))


def blacklist_carry_over_keep(customer: Customer, *, now) -> int | None:
    """Inside the closure's transaction, before the user's fields are erased: keep the
    carry-over of a blacklisted customer. Returns its id (None: not blacklisted)."""
    if not customer.is_blacklisted:
        return None
    user = customer.user
    reports = Report.objects.filter(
        reported_customer=customer, status=Report.Status.BLACKLISTED
    ).order_by("pk")
    carry_over = BlacklistCarryOver.objects.create(
        closed_customer=customer,
        email_hmac=email_hash(user.email),
        phone_hmac=phone_hash(getattr(user, "phone", "")),
        report_ids=list(reports.values_list("pk", flat=True)),
        blacklisted_at=customer.blacklisted_at,
        created_at=now,
        expires_at=now + timedelta(days=settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS),
    )
    return carry_over.pk


def carry_overs_matching(user, *, now):
    email, phone = email_hash(user.email), phone_hash(getattr(user, "phone", ""))
    match = Q(email_hmac=email)
    if phone:
        match |= Q(phone_hmac=phone)
    return BlacklistCarryOver.objects.filter(match, expires_at__gt=now).order_by("pk")


def blacklist_carry_over_relink(*, customer: Customer, **_kwargs) -> int:
    """customers.signals.customer_created: a new customer account with the e-mail or phone of
    a blacklisted closed account is blacklisted too. Returns how many carry-overs matched."""
    now = clock.now()
    user = customer.user
    carry_overs = list(carry_overs_matching(user, now=now).select_for_update())
    if not carry_overs:
        return 0
    closed = [c.closed_customer_id for c in carry_overs]
    reports = sorted({pk for c in carry_overs for pk in c.report_ids})
    customer_blacklist(
        customer=customer,
        by=None,
        reason=(
            f"Liste noire reportée d'un compte fermé (clients {closed}, signalements {reports}) :"
            " même e-mail ou téléphone."
        ),
    )
    BlacklistCarryOver.objects.filter(pk__in=[c.pk for c in carry_overs]).update(
        relinked_customer=customer, relinked_at=now
    )
    audit(
        action="privacy.blacklist_carried_over",
        subject=customer,
        data={
            "carry_overs": [c.pk for c in carry_overs],
            "closed_customers": closed,
            "reports": reports,
        },
    )
    return len(carry_overs)
