"""Every message about money, in the recipient's language, in one place.

Called inside the transition's transaction: the in-app row is written with it, the e-mail
leaves on commit (notifications.services.notify).
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.i18n import language_of
from core.money import format_eur
from notifications.services import notify


def _send(user, kind: str, build, *, url: str = "", **data) -> None:
    """`build(language)` returns (title, body) and runs in the recipient's language."""
    language = language_of(user)
    with translation.override(language):
        title, body = build(language)
    notify(user=user, kind=kind, title=str(title), body=str(body), url=url, data=data)


def _day(day) -> str:
    return day.strftime("%d/%m/%Y")


# --- to the customer ------------------------------------------------------------------------


def tell_customer_charge_failed(charge, *, retry_on=None) -> None:
    """A charge was declined or needs the customer to authenticate; `retry_on` None means
    it failed for good."""
    needs_auth = charge.failure_code == "authentication_required"

    def build(language):
        amount = format_eur(charge.amount_cents, language)
        if needs_auth:
            title = _("Please confirm your payment of %(amount)s") % {"amount": amount}
            body = _(
                "Your bank asks you to confirm the payment for your session #%(booking)s. "
                "Open the app to confirm it, or save another card."
            ) % {"booking": charge.booking_id}
        else:
            title = _("Your payment of %(amount)s was declined") % {"amount": amount}
            body = _(
                "We could not charge your card for your session #%(booking)s. "
                "Please save another card in the app."
            ) % {"booking": charge.booking_id}
        if retry_on is not None:
            body += " " + _("We will try again on %(day)s.") % {"day": _day(retry_on)}
        else:
            body += " " + _("Our support team will contact you.")
        return title, body

    _send(
        charge.customer.user,
        "charge_failed",
        build,
        charge=charge.pk,
        booking=charge.booking_id,
        final=retry_on is None,
    )


# --- to pros --------------------------------------------------------------------------------


def _earnings_url() -> str:
    return reverse("payouts:earnings")


def tell_pro_payout_held(payout) -> None:
    def build(language):
        amount = format_eur(payout.amount_cents, language)
        title = _("Your payout of %(amount)s is on hold") % {"amount": amount}
        if payout.held_reason == "no_iban":
            why = _("Add a valid IBAN in your bank details.")
        elif payout.held_reason == "account_problem":
            why = _("Your bank refused our last transfer: check your IBAN in your bank details.")
        else:
            why = _("Your payment account is being set up; check your bank details.")
        body = (
            _("We cannot send your earnings yet.")
            + " "
            + why
            + " "
            + _("The amount will be paid with the next payout once this is fixed.")
        )
        return title, body

    _send(payout.pro.user, "payout_held", build, url=_earnings_url(), payout=payout.pk)


def tell_pro_payout_failed(payout) -> None:
    def build(language):
        amount = format_eur(payout.amount_cents, language)
        title = _("Your payout of %(amount)s could not be delivered") % {"amount": amount}
        body = _(
            "The transfer to your bank account failed. Please check your IBAN in your bank "
            "details; our support team will send it again."
        )
        return title, body

    _send(payout.pro.user, "payout_failed", build, url=_earnings_url(), payout=payout.pk)


def tell_referrer_bonus(entry) -> None:
    def build(language):
        amount = format_eur(entry.amount_cents, language)
        title = _("You earned a referral bonus of %(amount)s") % {"amount": amount}
        body = _(
            "%(name)s, whom you referred, has completed their 5th session. The bonus is paid "
            "with your next payout."
        ) % {"name": entry.referred_pro.user.get_full_name()}
        return title, body

    _send(entry.pro.user, "referral_bonus", build, url=_earnings_url(), entry=entry.pk)
