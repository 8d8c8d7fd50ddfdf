"""Every message the bookings domain sends to a pro or a customer about a request or a booking.

Each function writes one notification (in-app now, e-mailed on commit by
`notifications.services.notify`) in the recipient's language (`core.i18n.language_of`), with
its wording and its link here and nowhere else. Pros are sent to their dashboard (its URL is
reversed, never written out); customers' messages have no web link (their app shows them).
"""

import functools

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.i18n import language_of
from core.money import format_eur
from notifications.services import notify


def _when(moment) -> str:
    return clock.to_paris(moment).strftime("%d/%m/%Y %H:%M")


@functools.cache  # the URL conf does not change while the process runs
def _pro_dashboard() -> str:
    return reverse("bookings:dashboard")


def _send(user, kind: str, title, body="", url="", *, push_options=None, **data):
    with translation.override(language_of(user)):
        return notify(
            user=user,
            kind=kind,
            title=str(title),
            body=str(body),
            url=url,
            data=data,
            **(push_options or {}),
        )


def _to_pro(user, kind: str, title, **data):
    _send(user, kind, title, "", _pro_dashboard(), **data)


def _to_customer(request, kind: str, title, body=""):
    _send(request.customer.user, kind, title, body, "", request=request.pk)


# --- to pros ----------------------------------------------------------------------------------


def tell_pro_new_proposal(proposal, request) -> None:
    """A proposal was sent to the pro: what, when, their net amount, until when to answer."""
    with translation.override(language_of(proposal.pro.user)):
        title = _("New proposal: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
        body = _("Net amount for you: %(net)s. Answer before %(expires)s.") % {
            "net": format_eur(request.pro_net_cents, translation.get_language()),
            "expires": _when(proposal.expires_at),
        }
    _send(
        proposal.pro.user,
        "proposal_new",
        title,
        body,
        _pro_dashboard(),
        # Pushed at once (Urgency: high) and never after the answer time.
        push_options={"expires_at": proposal.expires_at, "urgent": True},
        proposal=proposal.pk,
        request=request.pk,
    )


def tell_pro_gone(proposal_or_counter, request, *, cancelled: bool) -> None:
    """The pro's open proposal (or counter-offer) was withdrawn: the request was cancelled
    (or closed without a pro), or it is no longer available (someone else took it, or the pro
    can no longer work)."""
    with translation.override(language_of(proposal_or_counter.pro.user)):
        if cancelled:
            kind, title = "proposal_cancelled", _("Request cancelled: %(service)s on %(when)s")
        else:
            kind, title = "proposal_taken", _("No longer available: %(service)s on %(when)s")
        title = title % {"service": request.service.name, "when": _when(request.start)}
    _to_pro(proposal_or_counter.pro.user, kind, title, request=request.pk)


def tell_pro_session_lapsed(request) -> None:
    """The session the pro set up was not confirmed by the customer before its deadline."""
    pro_user = request.exclusive_pro.user
    with translation.override(language_of(pro_user)):
        title = _("Not confirmed in time: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
    _to_pro(pro_user, "proposal_cancelled", title, request=request.pk)


def tell_pro_session_request_cancelled(request) -> None:
    """The session the pro set up was cancelled before the customer confirmed it."""
    pro_user = request.exclusive_pro.user
    with translation.override(language_of(pro_user)):
        title = _("Request cancelled: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
    _to_pro(pro_user, "proposal_cancelled", title, request=request.pk)


def tell_pro_counter_offer_accepted(counter, request, booking) -> None:
    with translation.override(language_of(counter.pro.user)):
        title = _("Your proposed time was accepted: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(counter.start),
        }
    _to_pro(counter.pro.user, "counter_offer_accepted", title, booking=booking.pk)


def tell_pro_counter_offer_declined(counter, request) -> None:
    with translation.override(language_of(counter.pro.user)):
        title = _("Your proposed time was declined: %(service)s") % {
            "service": request.service.name
        }
    _to_pro(counter.pro.user, "counter_offer_declined", title, request=request.pk)


def tell_pro_session_confirmed(request, booking) -> None:
    """The customer confirmed the session their pro set up."""
    pro_user = booking.pro.user
    with translation.override(language_of(pro_user)):
        title = _("Session confirmed by the customer: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
    _to_pro(pro_user, "session_confirmed", title, booking=booking.pk)


def tell_pro_session_declined(request) -> None:
    """The customer declined the session their pro set up."""
    pro_user = request.exclusive_pro.user
    with translation.override(language_of(pro_user)):
        title = _("Session declined by the customer: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
    _to_pro(pro_user, "session_declined", title, request=request.pk)


# --- to customers -------------------------------------------------------------------------------


def tell_customer_confirmed(request, booking) -> None:
    """A pro accepted: the booking is confirmed."""
    with translation.override(language_of(request.customer.user)):
        title = _("Booking confirmed: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(booking.start),
        }
        body = _("%(pro)s will come to your home.") % {"pro": booking.pro.user.first_name}
    _to_customer(request, "request_accepted", title, body)


def tell_customer_unfulfilled(request) -> None:
    """Nobody took the request before its deadline; nothing is charged."""
    with translation.override(language_of(request.customer.user)):
        title = _("No pro available for %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
        body = _("We could not find a pro for your request. Nothing will be charged.")
    _to_customer(request, "no_pro_found", title, body)


def tell_customer_counter_offer(request, counter) -> None:
    """A pro proposes another time; dispatch goes on while the customer decides."""
    with translation.override(language_of(request.customer.user)):
        title = _("%(pro)s proposes another time: %(when)s") % {
            "pro": counter.pro.user.first_name,
            "when": _when(counter.start),
        }
        body = _("Accept it or decline it in the app; we keep looking meanwhile.")
    _to_customer(request, "counter_offer", title, body)


def tell_customer_session_proposed(request) -> None:
    """Their pro set up a new session that waits for the customer's answer."""
    with translation.override(language_of(request.customer.user)):
        title = _("%(pro)s proposes a new session: %(service)s on %(when)s") % {
            "pro": request.exclusive_pro.user.first_name,
            "service": request.service.name,
            "when": _when(request.start),
        }
        body = _("Confirm it or decline it in the app.")
    _to_customer(request, "session_proposed", title, body)


# --- to both ------------------------------------------------------------------------------------


def tell_booking_cancelled(request, booking) -> None:
    """Support cancelled a confirmed booking: the pro, then the customer."""
    pro_user = booking.pro.user
    with translation.override(language_of(pro_user)):
        title = _("Session cancelled: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(booking.start),
        }
    _to_pro(pro_user, "booking_cancelled", title, booking=booking.pk)
    with translation.override(language_of(request.customer.user)):
        title = _("Session cancelled: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(booking.start),
        }
    _to_customer(request, "booking_cancelled", title)
