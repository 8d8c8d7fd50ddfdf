"""Every message check-in and cancellations send, in the recipient's language, in one place.

Called inside the transition's transaction: the in-app row is written with it, the e-mail
leaves on commit (notifications.services.notify).
"""

from datetime import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.i18n import language_of
from core.money import format_eur
from notifications.services import notify


def _when(moment: datetime) -> str:
    return clock.to_paris(moment).strftime("%d/%m/%Y %H:%M")


def _hour(moment: datetime) -> str:
    return clock.to_paris(moment).strftime("%H:%M")


def _send(user, kind: str, build, *, url: str = "", **data) -> None:
    """`build()` returns (title, body) and runs in the recipient's language."""
    language = language_of(user)
    with translation.override(language):
        title, body = build(language)
    notify(user=user, kind=kind, title=str(title), body=str(body), url=url, data=data)


def _customer(record):
    return record.booking.customer.user


def _pro(record):
    return record.booking.pro.user


def _pro_url(record) -> str:
    return reverse("bookings:booking", args=[record.booking_id])


def _service(record) -> str:
    return record.booking.service.name


def _session(record) -> dict:
    return {"service": _service(record), "when": _when(record.booking.start)}


# --- to the customer ------------------------------------------------------------------------


def tell_customer_late(record, *, minutes: int, expected_at: datetime) -> None:
    def build(language):
        title = _("Your pro is running late: arrival around %(hour)s") % {
            "hour": _hour(expected_at)
        }
        body = _(
            "%(pro)s is about %(minutes)d minutes late for your %(service)s session and expects "
            "to arrive around %(hour)s."
        ) % {
            "pro": record.booking.pro.user.first_name,
            "minutes": minutes,
            "service": _service(record),
            "hour": _hour(expected_at),
        }
        return title, body

    _send(_customer(record), "session_late", build, booking=record.booking_id)


def tell_customer_changed(record, *, old_start: datetime) -> None:
    booking = record.booking

    def build(language):
        title = _("Your session is moved to %(when)s") % {"when": _when(booking.start)}
        body = _(
            "As agreed with %(pro)s, your %(service)s session of %(old)s now takes place from "
            "%(start)s to %(end)s. Price: %(price)s."
        ) % {
            "pro": booking.pro.user.first_name,
            "service": _service(record),
            "old": _when(old_start),
            "start": _when(booking.start),
            "end": _hour(booking.end),
            "price": format_eur(booking.price_cents, language),
        }
        return title, body

    _send(_customer(record), "session_changed", build, booking=record.booking_id)


def tell_customer_absent_reminder(record, *, may_leave_at: datetime) -> None:
    def build(language):
        title = _("Your pro is at your door")
        body = _(
            "%(pro)s has arrived for your %(service)s session and cannot find you. Without news "
            "by %(hour)s, they will leave and the absence fee will be charged."
        ) % {
            "pro": record.booking.pro.user.first_name,
            "service": _service(record),
            "hour": _hour(may_leave_at),
        }
        return title, body

    _send(_customer(record), "session_customer_absent", build, booking=record.booking_id)


def tell_customer_no_show(record, *, fee_cents: int) -> None:
    def build(language):
        title = _("Missed session: %(service)s on %(when)s") % _session(record)
        body = _("You were absent when your pro came. Absence fee: %(fee)s.") % {
            "fee": format_eur(fee_cents, language)
        }
        return title, body

    _send(_customer(record), "session_no_show", build, booking=record.booking_id)


def tell_customer_cancelled(record, *, fee_cents: int, on_behalf: bool) -> None:
    """The customer's own cancellation, or the one the platform made on their behalf."""

    def build(language):
        title = _("Session cancelled: %(service)s on %(when)s") % _session(record)
        if on_behalf:
            body = _("You told your pro you wished to cancel: we cancelled the session for you.")
        else:
            body = _("Your cancellation is recorded.")
        if fee_cents:
            body = f"{body} " + _("Cancellation fee: %(fee)s.") % {
                "fee": format_eur(fee_cents, language)
            }
        else:
            body = f"{body} " + _("No fee is charged.")
        return title, body

    _send(_customer(record), "session_cancelled", build, booking=record.booking_id)


def tell_customer_pro_cancelled(record, *, redispatched: bool) -> None:
    def build(language):
        title = _("Your pro cancelled: %(service)s on %(when)s") % _session(record)
        if redispatched:
            body = _("Nothing is charged. We are looking for another pro for the same time.")
        else:
            body = _("Nothing is charged. Book again whenever you wish.")
        return title, body

    _send(_customer(record), "session_pro_cancelled", build, booking=record.booking_id)


def tell_customer_support_cancelled(record, *, fee_cents: int) -> None:
    def build(language):
        title = _("Session cancelled: %(service)s on %(when)s") % _session(record)
        if fee_cents:
            body = _("Our support team cancelled this session. Cancellation fee: %(fee)s.") % {
                "fee": format_eur(fee_cents, language)
            }
        else:
            body = _("Our support team cancelled this session. Nothing is charged.")
        return title, body

    _send(_customer(record), "session_cancelled", build, booking=record.booking_id)


# --- to the pro --------------------------------------------------------------------------------


def tell_pro_customer_cancelled(record, *, fee_pro_share_cents: int) -> None:
    def build(language):
        title = _("Session cancelled by the customer: %(service)s on %(when)s") % _session(record)
        if fee_pro_share_cents:
            body = _("A cancellation fee applies: %(share)s for you.") % {
                "share": format_eur(fee_pro_share_cents, language)
            }
        else:
            body = _("The slot is free again in your agenda.")
        return title, body

    _send(_pro(record), "session_cancelled", build, url=_pro_url(record), booking=record.booking_id)


def tell_pro_reminder(record, *, days_left: int) -> None:
    def build(language):
        title = _("Declare your session: %(service)s on %(when)s") % _session(record)
        body = _(
            "Declare how the session went: done, absence or cancellation. %(days)d day(s) left; "
            "after that, its billing is cancelled."
        ) % {"days": days_left}
        return title, body

    _send(
        _pro(record),
        "session_declare_reminder",
        build,
        url=_pro_url(record),
        booking=record.booking_id,
    )


def tell_pro_support_cancelled(record) -> None:
    def build(language):
        title = _("Session cancelled by support: %(service)s on %(when)s") % _session(record)
        return title, _("The slot is free again in your agenda.")

    _send(_pro(record), "session_cancelled", build, url=_pro_url(record), booking=record.booking_id)


def tell_pro_blocked(pro, *, until: datetime) -> None:
    def build(language):
        title = _("No new proposals until %(when)s") % {"when": _when(until)}
        body = _(
            "You cancelled 3 sessions less than 24 hours before their start within 30 days: you "
            "receive no new proposals until %(when)s. Contact support if this is a mistake."
        ) % {"when": _when(until)}
        return title, body

    _send(pro.user, "pro_blocked_late_cancellations", build, url=reverse("bookings:dashboard"))
