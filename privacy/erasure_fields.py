"""What closing an account erases, app by app: one function per holder of personal data, each
a few set-based UPDATEs/DELETEs run inside privacy.erasure's transaction (rows already
locked there). The README's "Personal data: access and erasure" section mirrors this file.

Kept (accounting, 10 years; the other party's own record): booking requests and bookings with
their amounts, session records, billable items, charges, the ledger, payouts, reviews'
ratings, audit rows. What they point at is emptied instead: names, e-mail, phone, street,
notes, texts written by the person, bank details, photo, zone, documents.
"""

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from bookings.models import BookingRequest, Favorite
from core.models import IdempotencyRecord
from customers.models import Address, Customer, PaymentMethod
from feedback.models import Message, Report, Review, SupportMessage
from notifications.models import CalendarFeed, Notification, PushSubscription
from payouts.models import PayoutAccount
from pros.models import Pro, ReferralInvite, TimeOff, WorkingHours, ZoneCell

CLOSED_EMAIL_DOMAIN = "closed.invalid"  # RFC 2606: never delivered
# Coordinates of an erased address keep two decimals (about 1 km): enough for the statistics
# the bookings are kept for, too coarse to find a home.
COARSE = Decimal("0.01")
# What a closed account's messages read (a message cannot be empty: feedback's constraint).
ERASED_TEXT = "[…]"


def placeholder_email(user) -> str:
    """Unique (one per account) and recognisable: the account is closed."""
    return f"closed-{user.pk}@{CLOSED_EMAIL_DOMAIN}"


def is_closed(user) -> bool:
    return user.email == placeholder_email(user)


def erase_user(user) -> str:
    """Returns the e-mail address it had (for the confirmation sent on commit)."""
    previous = user.email
    user.email = placeholder_email(user)
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()  # changes the session hash: every web session ends
    user.save()  # deactivation + password change: core revokes every API token
    _forget_login_attempts(previous)
    IdempotencyRecord.objects.filter(user=user).delete()  # stored request bodies
    Notification.objects.filter(user=user).delete()
    PushSubscription.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    Message.objects.filter(sender=user).update(
        body=ERASED_TEXT, original_body="", masked=[], is_flagged=False
    )
    SupportMessage.objects.filter(author=user).update(body=ERASED_TEXT)
    Report.objects.filter(reporter=user).update(details="")
    return previous


def _forget_login_attempts(email: str) -> None:
    """django-axes keeps failed logins by e-mail and address: that e-mail goes."""
    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        try:
            model = apps.get_model("axes", name)
        except LookupError:
            continue
        model.objects.filter(username__iexact=email).delete()


def _coarse(value):
    return None if value is None else Decimal(value).quantize(COARSE, rounding=ROUND_HALF_UP)


def erase_customer(customer: Customer, *, now) -> None:
    for address in Address.objects.filter(customer=customer):
        address.label = ""
        address.street = ""
        address.lat = _coarse(address.lat)
        address.lng = _coarse(address.lng)
        address.deleted_at = address.deleted_at or now
        address.save(update_fields=["label", "street", "lat", "lng", "deleted_at"])
    customer.blacklist_reason = ""
    customer.save(update_fields=["blacklist_reason"])
    # The card itself is at the payment provider; its reference stays for refunds and disputes
    # of past charges, what identifies it to a person goes.
    PaymentMethod.objects.filter(customer=customer).filter(
        Q(detached_at__isnull=True) | ~Q(last4="")
    ).update(brand="", last4="", exp_month=None, exp_year=None, is_default=False, detached_at=now)
    BookingRequest.objects.filter(customer=customer).exclude(notes="").update(notes="")
    Favorite.objects.filter(customer=customer).delete()
    Review.objects.filter(customer=customer).update(comment="", original_comment="")


def erase_pro(pro: Pro) -> str:
    """Returns the photo's file name (deleted from storage on commit), or ""."""
    photo = pro.photo.name or ""
    pro.photo = ""
    pro.bio = ""
    pro.base_address = ""
    pro.base_lat = None
    pro.base_lng = None
    pro.radius_km = None
    pro.iban = ""
    pro.bic = ""
    pro.account_holder = ""
    pro.is_paused = True
    pro.slug = f"closed-{pro.pk}-{secrets.token_hex(8)}"  # the personal link opens nothing
    pro.save(
        update_fields=[
            "photo", "bio", "base_address", "base_lat", "base_lng", "radius_km", "iban", "bic",
            "account_holder", "is_paused", "slug",
        ]
    )  # fmt: skip
    pro.services.clear()
    ZoneCell.objects.filter(pro=pro).delete()
    WorkingHours.objects.filter(pro=pro).delete()
    TimeOff.objects.filter(pro=pro).delete()
    ReferralInvite.objects.filter(pro=pro).delete()  # other people's e-mail addresses
    # The copy of the IBAN last sent to the provider (the connected account id stays: the
    # payouts made through it are kept).
    PayoutAccount.objects.filter(pro=pro).update(synced_iban="")
    return photo


def lock_user(user):
    return get_user_model().objects.select_for_update().get(pk=user.pk)
