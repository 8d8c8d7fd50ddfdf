"""Every message about money, in one place.

Called inside the transition's transaction: each `tell_*` records the notification as its kind
and parameters (notifications.services.notify: e-mailed and pushed on commit); the `@renderer`
functions say what each kind reads like, rendered when shown in the reader's language of that
moment.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import format_eur
from notifications.kinds import day, renderer
from notifications.services import notify


def _send(user, kind: str, params: dict, *, url: str = "", **data) -> None:
    notify(user=user, kind=kind, params=params, url=url, data=data)


def _euros(cents) -> str:
    return format_eur(cents or 0, get_language())


# --- to the customer ------------------------------------------------------------------------


def tell_customer_charge_failed(charge, *, retry_on=None) -> None:
    """A charge was declined or needs the customer to authenticate; `retry_on` None means
    it failed for good."""
    params = {
        "amount_cents": charge.amount_cents,
        "booking": charge.booking_id,
        "needs_auth": charge.failure_code == "authentication_required",
        "retry_on": retry_on.isoformat() if retry_on is not None else None,
    }
    _send(
        charge.customer.user,
        "charge_failed",
        params,
        charge=charge.pk,
        booking=charge.booking_id,
        final=retry_on is None,
    )


@renderer("charge_failed")
def _render_charge_failed(params):
    amount = _euros(params.get("amount_cents"))
    booking = {"booking": params.get("booking")}
    if params.get("needs_auth"):
        title = _("Please confirm your payment of %(amount)s") % {"amount": amount}
        body = (
            _(
                "Your bank asks you to confirm the payment for your session #%(booking)s. "
                "Open the app to confirm it, or save another card."
            )
            % booking
        )
    else:
        title = _("Your payment of %(amount)s was declined") % {"amount": amount}
        body = (
            _(
                "We could not charge your card for your session #%(booking)s. "
                "Please save another card in the app."
            )
            % booking
        )
    if params.get("retry_on"):
        body += " " + _("We will try again on %(day)s.") % {"day": day(params["retry_on"])}
    else:
        body += " " + _("Our support team will contact you.")
    return title, body


# --- to pros --------------------------------------------------------------------------------


def _earnings_url() -> str:
    return reverse("payouts:earnings")


def tell_pro_payout_held(payout) -> None:
    params = {"amount_cents": payout.amount_cents, "reason": payout.held_reason}
    _send(payout.pro.user, "payout_held", params, url=_earnings_url(), payout=payout.pk)


@renderer("payout_held")
def _render_payout_held(params):
    title = _("Your payout of %(amount)s is on hold") % {
        "amount": _euros(params.get("amount_cents"))
    }
    reason = params.get("reason")
    if reason == "no_iban":
        why = _("Add a valid IBAN in your bank details.")
    elif reason == "account_problem":
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


def tell_pro_payout_failed(payout) -> None:
    params = {"amount_cents": payout.amount_cents}
    _send(payout.pro.user, "payout_failed", params, url=_earnings_url(), payout=payout.pk)


@renderer("payout_failed")
def _render_payout_failed(params):
    title = _("Your payout of %(amount)s could not be delivered") % {
        "amount": _euros(params.get("amount_cents"))
    }
    body = _(
        "The transfer to your bank account failed. Please check your IBAN in your bank "
        "details; our support team will send it again."
    )
    return title, body


def tell_referrer_bonus(entry) -> None:
    params = {"amount_cents": entry.amount_cents, "name": entry.referred_pro.user.get_full_name()}
    _send(entry.pro.user, "referral_bonus", params, url=_earnings_url(), entry=entry.pk)


@renderer("referral_bonus")
def _render_referral_bonus(params):
    title = _("You earned a referral bonus of %(amount)s") % {
        "amount": _euros(params.get("amount_cents"))
    }
    body = _(
        "%(name)s, whom you referred, has completed their 5th session. The bonus is paid "
        "with your next payout."
    ) % {"name": params.get("name", "")}
    return title, body
