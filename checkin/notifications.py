"""Every message check-in and cancellations send, in one place.

Called inside the transition's transaction: each `tell_*` records the notification as its kind
and parameters (notifications.services.notify: e-mailed and pushed on commit); the
`@renderer` functions say what each kind reads like, rendered when shown in the reader's
language of that moment.
"""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.money import format_eur
from notifications.kinds import hour, iso, localized, names, renderer, when
from notifications.services import notify


def _send(user, kind: str, params: dict, *, url: str = "", **data) -> None:
    notify(user=user, kind=kind, params=params, url=url, data=data)


def _euros(cents) -> str:
    return format_eur(cents or 0, get_language())


def _customer(record):
    return record.booking.customer.user


def _pro(record):
    return record.booking.pro.user


def _pro_url(record) -> str:
    return reverse("bookings:booking", args=[record.booking_id])


def _session(record) -> dict:
    """The session as parameters: its service (names per language) and start."""
    return {"service": names(record.booking.service), "start": iso(record.booking.start)}


def _texts(params) -> dict:
    return {"service": localized(params.get("service")), "when": when(params.get("start"))}


# --- to the customer ------------------------------------------------------------------------


def tell_customer_late(record, *, minutes: int, expected_at: datetime) -> None:
    params = {
        **_session(record),
        "pro": record.booking.pro.user.first_name,
        "minutes": minutes,
        "expected_at": iso(expected_at),
    }
    _send(_customer(record), "session_late", params, booking=record.booking_id)


@renderer("session_late")
def _render_late(params):
    title = _("Your pro is running late: arrival around %(hour)s") % {
        "hour": hour(params.get("expected_at"))
    }
    body = _(
        "%(pro)s is about %(minutes)d minutes late for your %(service)s session and expects "
        "to arrive around %(hour)s."
    ) % {
        "pro": params.get("pro", ""),
        "minutes": params.get("minutes") or 0,
        "service": localized(params.get("service")),
        "hour": hour(params.get("expected_at")),
    }
    return title, body


def tell_customer_changed(record, *, old_start: datetime) -> None:
    booking = record.booking
    params = {
        **_session(record),
        "pro": booking.pro.user.first_name,
        "old_start": iso(old_start),
        "end": iso(booking.end),
        "price_cents": booking.price_cents,
    }
    _send(_customer(record), "session_changed", params, booking=record.booking_id)


@renderer("session_changed")
def _render_changed(params):
    title = _("Your session is moved to %(when)s") % {"when": when(params.get("start"))}
    body = _(
        "As agreed with %(pro)s, your %(service)s session of %(old)s now takes place from "
        "%(start)s to %(end)s. Price: %(price)s."
    ) % {
        "pro": params.get("pro", ""),
        "service": localized(params.get("service")),
        "old": when(params.get("old_start")),
        "start": when(params.get("start")),
        "end": hour(params.get("end")),
        "price": _euros(params.get("price_cents")),
    }
    return title, body


def tell_customer_absent_reminder(record, *, may_leave_at: datetime) -> None:
    params = {
        **_session(record),
        "pro": record.booking.pro.user.first_name,
        "may_leave_at": iso(may_leave_at),
    }
    _send(_customer(record), "session_customer_absent", params, booking=record.booking_id)


@renderer("session_customer_absent")
def _render_absent_reminder(params):
    body = _(
        "%(pro)s has arrived for your %(service)s session and cannot find you. Without news "
        "by %(hour)s, they will leave and the absence fee will be charged."
    ) % {
        "pro": params.get("pro", ""),
        "service": localized(params.get("service")),
        "hour": hour(params.get("may_leave_at")),
    }
    return _("Your pro is at your door"), body


def tell_customer_no_show(record, *, fee_cents: int) -> None:
    params = {**_session(record), "fee_cents": fee_cents}
    _send(_customer(record), "session_no_show", params, booking=record.booking_id)


@renderer("session_no_show")
def _render_no_show(params):
    title = _("Missed session: %(service)s on %(when)s") % _texts(params)
    body = _("You were absent when your pro came. Absence fee: %(fee)s.") % {
        "fee": _euros(params.get("fee_cents"))
    }
    return title, body


# One kind for every cancellation; `by` says whose and who reads it.
CUSTOMER_OWN = "customer_own"  # the customer's own cancellation (to the customer)
CUSTOMER_ON_BEHALF = "customer_on_behalf"  # made for the customer at their request
SUPPORT_TO_CUSTOMER = "support_to_customer"
CUSTOMER_TO_PRO = "customer_to_pro"  # the customer cancelled (to the pro)
SUPPORT_TO_PRO = "support_to_pro"


def tell_customer_cancelled(record, *, fee_cents: int, on_behalf: bool) -> None:
    """The customer's own cancellation, or the one the platform made on their behalf."""
    params = {
        **_session(record),
        "by": CUSTOMER_ON_BEHALF if on_behalf else CUSTOMER_OWN,
        "fee_cents": fee_cents,
    }
    _send(_customer(record), "session_cancelled", params, booking=record.booking_id)


def tell_customer_support_cancelled(record, *, fee_cents: int) -> None:
    params = {**_session(record), "by": SUPPORT_TO_CUSTOMER, "fee_cents": fee_cents}
    _send(_customer(record), "session_cancelled", params, booking=record.booking_id)


def tell_pro_customer_cancelled(record, *, fee_pro_share_cents: int) -> None:
    params = {**_session(record), "by": CUSTOMER_TO_PRO, "fee_cents": fee_pro_share_cents}
    _send(
        _pro(record), "session_cancelled", params, url=_pro_url(record), booking=record.booking_id
    )


def tell_pro_support_cancelled(record) -> None:
    params = {**_session(record), "by": SUPPORT_TO_PRO, "fee_cents": 0}
    _send(
        _pro(record), "session_cancelled", params, url=_pro_url(record), booking=record.booking_id
    )


@renderer("session_cancelled")
def _render_cancelled(params):
    by, fee_cents = params.get("by"), params.get("fee_cents") or 0
    fee = {"fee": _euros(fee_cents), "share": _euros(fee_cents)}
    if by == CUSTOMER_TO_PRO:
        title = _("Session cancelled by the customer: %(service)s on %(when)s") % _texts(params)
        if fee_cents:
            return title, _("A cancellation fee applies: %(share)s for you.") % fee
        return title, _("The slot is free again in your agenda.")
    if by == SUPPORT_TO_PRO:
        title = _("Session cancelled by support: %(service)s on %(when)s") % _texts(params)
        return title, _("The slot is free again in your agenda.")
    title = _("Session cancelled: %(service)s on %(when)s") % _texts(params)
    if by == SUPPORT_TO_CUSTOMER:
        if fee_cents:
            body = _("Our support team cancelled this session. Cancellation fee: %(fee)s.") % fee
        else:
            body = _("Our support team cancelled this session. Nothing is charged.")
        return title, body
    if by == CUSTOMER_ON_BEHALF:
        body = _("You told your pro you wished to cancel: we cancelled the session for you.")
    else:
        body = _("Your cancellation is recorded.")
    if fee_cents:
        return title, f"{body} " + _("Cancellation fee: %(fee)s.") % fee
    return title, f"{body} " + _("No fee is charged.")


def tell_customer_pro_cancelled(record, *, redispatched: bool) -> None:
    params = {**_session(record), "redispatched": redispatched}
    _send(_customer(record), "session_pro_cancelled", params, booking=record.booking_id)


@renderer("session_pro_cancelled")
def _render_pro_cancelled(params):
    title = _("Your pro cancelled: %(service)s on %(when)s") % _texts(params)
    if params.get("redispatched"):
        return title, _("Nothing is charged. We are looking for another pro for the same time.")
    return title, _("Nothing is charged. Book again whenever you wish.")


# --- to the pro --------------------------------------------------------------------------------


def tell_pro_reminder(record, *, days_left: int) -> None:
    params = {**_session(record), "days_left": days_left}
    _send(
        _pro(record),
        "session_declare_reminder",
        params,
        url=_pro_url(record),
        booking=record.booking_id,
    )


@renderer("session_declare_reminder")
def _render_reminder(params):
    title = _("Declare your session: %(service)s on %(when)s") % _texts(params)
    days = params.get("days_left") or 0
    body = ngettext(
        "Declare how the session went: done, absence or cancellation. %(days)d day left; "
        "after that, its billing is cancelled.",
        "Declare how the session went: done, absence or cancellation. %(days)d days left; "
        "after that, its billing is cancelled.",
        days,
    ) % {"days": days}
    return title, body


def tell_pro_blocked(pro, *, until: datetime) -> None:
    _send(
        pro.user,
        "pro_blocked_late_cancellations",
        {"until": iso(until)},
        url=reverse("bookings:dashboard"),
    )


@renderer("pro_blocked_late_cancellations")
def _render_blocked(params):
    until = {"when": when(params.get("until"))}
    title = _("No new proposals until %(when)s") % until
    body = (
        _(
            "You cancelled 3 sessions less than 24 hours before their start within 30 days: you "
            "receive no new proposals until %(when)s. Contact support if this is a mistake."
        )
        % until
    )
    return title, body
