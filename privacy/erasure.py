"""Closing an account (GDPR art. 17): the person (API `DELETE /api/v1/me`, the pro's "Fermer
mon compte" page) or support (admin action with a reason) closes it.

One transaction: the user row is locked first; what forbids closing is re-checked under it
(privacy.erasure_rules); the person's open work ends through the owning apps' own services
(requests cancelled, future sessions cancelled as the customer's or the pro's cancellation,
proposals withdrawn, the pro suspended so no rule can give them work again); identity
documents are deleted (privacy.retention, h6); a blacklisted customer's keyed e-mail/phone
hashes are kept with their blacklisting (privacy.blacklist_carry_over); personal fields are
erased (privacy.erasure_fields); saved cards are detached at the provider on commit
(privacy.erasure_cards); one `privacy.account_closed` audit row says who, why and what ended.
Bookings, charges, ledger and payouts stay for the accounts (10 years).

Idempotent: closing a closed account does nothing and answers the same. Side effects (files
deleted, the confirmation e-mail to the address the account had) run on commit.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings import services as booking_services
from bookings.models import Booking, BookingRequest
from checkin import services as checkin_services
from checkin.models import Declaration
from core import clock
from core.audit import audit
from core.errors import DomainError, InvalidInput
from core.i18n import language_of
from core.services import (
    AccountProtected,
    InvalidCredentials,
    auth_tokens_revoke_all,
    login_attempt,
)
from core.text import clean_text
from customers.models import Customer
from pros import services as pro_services
from pros.models import Pro

from . import erasure_fields
from .blacklist_carry_over import blacklist_carry_over_keep
from .erasure_cards import card_detaches_queue
from .erasure_rules import account_blockers
from .export import data_exports_expire_for

logger = logging.getLogger(__name__)

REASON = "account_closed"


class AccountClosureBlocked(DomainError):
    status = 409
    code = "account_closure_blocked"
    default_message = _("Ce compte ne peut pas être fermé pour le moment.")


def is_closed(user) -> bool:
    return erasure_fields.is_closed(user)


def account_close_by_owner(*, user, password, request) -> bool:
    """The person closes their own account, confirming with their password (counted by the
    login defence like any login: five wrong ones lock it). Returns whether it closed now."""
    if is_closed(user):
        return False
    try:
        login_attempt(email=user.email, password=password, request=request)
    except InvalidCredentials as exc:
        raise InvalidInput(fields={"password": [str(_("Mot de passe incorrect."))]}) from exc
    return account_close(user=user, by=user, reason="")


def account_close(*, user, by, reason: str = "") -> bool:
    """Close `user`'s account (see the module). `by` is the person or support (then `reason`
    is required). Returns True when closed now, False when it already was."""
    reason = clean_text(reason, field="reason")[:500]
    by_support = by is not None and by.pk != user.pk
    if by_support and not reason:
        raise InvalidInput(fields={"reason": [str(_("Donnez une raison."))]})
    if (user.is_staff or user.is_superuser) and not getattr(by, "is_superuser", False):
        raise AccountProtected()
    with transaction.atomic():
        user = erasure_fields.lock_user(user)
        if is_closed(user):
            return False
        blockers = account_blockers(user, by_support=by_support)
        if blockers:
            raise AccountClosureBlocked(" ".join(blocker.message for blocker in blockers))
        now = clock.now()
        ended: dict[str, list] = {}
        # The account's rows, user then customer, FOR UPDATE (bookings.locking step 0): a
        # request being created for them holds them first and commits before this reads their
        # requests, or waits for the end and then re-checks the account (403 account_closed).
        customer = Customer.objects.select_for_update().filter(user=user).first()
        pro = Pro.objects.filter(user=user).first()
        if customer is not None:
            ended["customer"] = _end_customer_work(customer, by=by, by_support=by_support, now=now)
        photo = ""
        if pro is not None:
            ended["pro"] = _end_pro_work(pro, by=by, now=now)
            ended["documents"] = _delete_identity_documents(pro, by=by)
            photo = erasure_fields.erase_pro(pro)
        if customer is not None:
            ended["blacklist_carry_over"] = blacklist_carry_over_keep(customer, now=now)
            erasure_fields.erase_customer(customer, now=now)
            ended["card_detaches"] = card_detaches_queue(customer)
        ended["exports"] = data_exports_expire_for(user=user)
        language = language_of(user)
        previous_email = erasure_fields.erase_user(user)
        auth_tokens_revoke_all(user=user, reason=REASON, actor=by)  # already none: belt and braces
        audit(
            action="privacy.account_closed",
            subject=user,
            actor=by,
            data={"by": "support" if by_support else "owner", "reason": reason, **ended},
        )
        if photo:
            transaction.on_commit(lambda: _delete_public_file(photo))
        transaction.on_commit(lambda: _send_goodbye(previous_email, language))
    return True


# --- the person's open work, through the owning apps' services --------------------------------


def _end_customer_work(customer, *, by, by_support: bool, now) -> list[str]:
    """Open requests cancelled; future sessions cancelled by the customer (free: a fee blocks
    closing) or, when support closes, by support without any fee."""
    ended = []
    requests = BookingRequest.objects.filter(
        customer=customer, status__in=BookingRequest.OPEN_STATUSES
    ).order_by("pk")
    for request in requests:
        booking_services.booking_request_cancel(request=request, by=by, reason=REASON)
        ended.append(f"request:{request.pk}")
    bookings = Booking.objects.filter(
        customer=customer, status=Booking.Status.CONFIRMED, start__gt=now
    ).order_by("pk")
    for booking in bookings:
        if by_support:
            checkin_services.booking_support_cancel(
                booking=booking, by=by, reason=REASON, with_fee=False
            )
        else:
            checkin_services.booking_customer_cancel(
                booking=booking, customer=customer, reason=REASON
            )
        ended.append(f"booking:{booking.pk}")
    return ended


def _end_pro_work(pro, *, by, now) -> list[str]:
    """The pro is suspended first (`account_closed`): under their row lock no booking can be
    inserted for them any more (the insert re-checks it), so the future sessions listed next
    are all of them; each is cancelled as the pro's cancellation (sent again to other pros
    under the usual rule). Their open proposals and counter-offers end as for any suspension:
    the `pro_suspended` receiver withdraws them on commit (each place to the next pro), in the
    request-first lock order dispatch uses."""
    ended = []
    pro_services.pro_suspend(pro=pro, by=by, reason=REASON)
    bookings = Booking.objects.filter(
        pro=pro, status=Booking.Status.CONFIRMED, start__gt=now
    ).order_by("pk")
    for booking in bookings:
        checkin_services.declaration_make(
            booking=booking, pro=pro, kind=Declaration.PRO_CANCELS, reason=REASON
        )
        ended.append(f"booking:{booking.pk}")
    return ended


def _delete_identity_documents(pro, *, by) -> int:
    """privacy.retention owns the deletion of documents (rows kept as the review record,
    files deleted on commit, audited)."""
    from .retention import delete_identity_documents

    return delete_identity_documents(pro, REASON, actor=by)


# --- on commit ---------------------------------------------------------------------------------


def _delete_public_file(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except Exception:  # a missing file is already gone; anything else is logged
        logger.exception("could not delete %s after an account closure", name)


def _send_goodbye(email: str, language: str) -> None:
    """One last e-mail to the address the account had (not stored anywhere any more)."""
    with translation.override(language):
        subject = gettext("Votre compte Wecasa est fermé")
        message = gettext(
            "Bonjour,\n\nVotre compte Wecasa est fermé et vos données personnelles ont été"
            " effacées. Nous gardons, sans votre nom ni vos coordonnées, les réservations et"
            " les paiements que la loi nous oblige à conserver (10 ans, comptabilité).\n\n"
            "Si vous n'avez pas demandé cette fermeture, écrivez au support."
        )
    try:
        send_mail(
            subject=subject,
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    except Exception:
        logger.exception("closure e-mail failed")
