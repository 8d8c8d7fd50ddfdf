"""Every message the bookings domain sends to a pro or a customer about a request or a booking.

Each `tell_*` function records one notification (`notifications.services.notify`: e-mailed
and pushed on commit) as its kind and parameters; the `@renderer` functions below say what each
kind reads like, rendered when shown, in the reader's language of that moment. Pros are sent
to their dashboard (its URL is reversed, never written out); customers' messages have no web
link (their app shows them).

The bell (`@unread_rule`): a new proposal counts as unread only while it can be answered; the
proposal's later news (taken, cancelled) never does: nothing is left to do about them.
"""

import functools

from django.db.models import CharField, JSONField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import format_eur
from notifications import kinds
from notifications.kinds import iso, localized, names, renderer, unread_rule, when
from notifications.services import notify

from .models import Proposal


@functools.cache  # the URL conf does not change while the process runs
def _pro_dashboard() -> str:
    return reverse("bookings:dashboard")


def _session(request, start=None) -> dict:
    return {"service": names(request.service), "start": iso(start or request.start)}


def _texts(params) -> dict:
    return {"service": localized(params.get("service")), "when": when(params.get("start"))}


def _to_pro(user, kind: str, params: dict, **data):
    notify(user=user, kind=kind, params=params, url=_pro_dashboard(), data=data)


def _to_customer(request, kind: str, params: dict):
    notify(user=request.customer.user, kind=kind, params=params, data={"request": request.pk})


# --- to pros ----------------------------------------------------------------------------------


def tell_pro_new_proposal(proposal, request) -> None:
    """A proposal was sent to the pro: what, when, their net amount, until when to answer."""
    notify(
        user=proposal.pro.user,
        kind="proposal_new",
        params={
            **_session(request),
            "net_cents": request.pro_net_cents,
            "expires": iso(proposal.expires_at),
        },
        url=_pro_dashboard(),
        data={"proposal": proposal.pk, "request": request.pk},
        # Pushed at once (Urgency: high) and never after the answer time.
        expires_at=proposal.expires_at,
        urgent=True,
    )


@renderer("proposal_new")
def _render_proposal_new(params):
    title = _("New proposal: %(service)s on %(when)s") % _texts(params)
    body = _("Net amount for you: %(net)s. Answer before %(expires)s.") % {
        "net": format_eur(params.get("net_cents") or 0, get_language()),
        "expires": when(params.get("expires")),
    }
    return title, body


@unread_rule("proposal_new")
def _proposal_still_answerable(user, now) -> Q:
    """Its proposal is still open: the dashboard shows it as a card."""
    open_ids = (
        Proposal.objects.filter(pro__user=user, status=Proposal.Status.SENT, expires_at__gt=now)
        .annotate(json_id=Cast(Cast("pk", CharField()), JSONField()))
        .values("json_id")
    )
    return Q(data__proposal__in=open_ids)


@unread_rule("proposal_taken", "proposal_cancelled")
def _withdrawal_news_never_counts(user, now) -> Q:
    """Listed (and pushed), but nothing is left to do: the bell does not count it."""
    return kinds.none_counts()


def tell_pro_gone(proposal_or_counter, request, *, cancelled: bool) -> None:
    """The pro's open proposal (or counter-offer) was withdrawn: the request was cancelled
    (or closed without a pro), or it is no longer available (someone else took it, or the pro
    can no longer work)."""
    kind = "proposal_cancelled" if cancelled else "proposal_taken"
    _to_pro(proposal_or_counter.pro.user, kind, _session(request), request=request.pk)


@renderer("proposal_taken")
def _render_proposal_taken(params):
    return _("No longer available: %(service)s on %(when)s") % _texts(params), ""


@renderer("proposal_cancelled")
def _render_proposal_cancelled(params):
    if params.get("reason") == "lapsed":
        return _("Not confirmed in time: %(service)s on %(when)s") % _texts(params), ""
    return _("Request cancelled: %(service)s on %(when)s") % _texts(params), ""


def tell_pro_session_lapsed(request) -> None:
    """The session the pro set up was not confirmed by the customer before its deadline."""
    params = {**_session(request), "reason": "lapsed"}
    _to_pro(request.exclusive_pro.user, "proposal_cancelled", params, request=request.pk)


def tell_pro_session_request_cancelled(request) -> None:
    """The session the pro set up was cancelled before the customer confirmed it."""
    _to_pro(request.exclusive_pro.user, "proposal_cancelled", _session(request), request=request.pk)


def tell_pro_counter_offer_accepted(counter, request, booking) -> None:
    params = _session(request, counter.start)
    _to_pro(counter.pro.user, "counter_offer_accepted", params, booking=booking.pk)


@renderer("counter_offer_accepted")
def _render_counter_offer_accepted(params):
    return _("Your proposed time was accepted: %(service)s on %(when)s") % _texts(params), ""


def tell_pro_counter_offer_declined(counter, request) -> None:
    params = {"service": names(request.service)}
    _to_pro(counter.pro.user, "counter_offer_declined", params, request=request.pk)


@renderer("counter_offer_declined")
def _render_counter_offer_declined(params):
    return _("Your proposed time was declined: %(service)s") % {
        "service": localized(params.get("service"))
    }, ""


def tell_pro_session_confirmed(request, booking) -> None:
    """The customer confirmed the session their pro set up."""
    _to_pro(booking.pro.user, "session_confirmed", _session(request), booking=booking.pk)


@renderer("session_confirmed")
def _render_session_confirmed(params):
    return _("Session confirmed by the customer: %(service)s on %(when)s") % _texts(params), ""


def tell_pro_session_declined(request) -> None:
    """The customer declined the session their pro set up."""
    _to_pro(request.exclusive_pro.user, "session_declined", _session(request), request=request.pk)


@renderer("session_declined")
def _render_session_declined(params):
    return _("Session declined by the customer: %(service)s on %(when)s") % _texts(params), ""


def tell_pro_access_details_changed(request, booking) -> None:
    """The customer changed the access details of the pro's confirmed booking. Never the details
    themselves (a notification is e-mailed and pushed): only that they changed, and where to
    read them (the booking's page, bookings.rules.pro_sees_access_details)."""
    notify(
        user=booking.pro.user,
        kind="access_details_changed",
        params=_session(request, booking.start),
        url=reverse("bookings:booking", args=[booking.pk]),
        data={"booking": booking.pk, "request": request.pk},
    )


@renderer("access_details_changed")
def _render_access_details_changed(params):
    title = _("Le client a mis à jour les informations d'accès")
    return title, _("%(service)s le %(when)s : consultez-les sur la fiche de la séance.") % (
        _texts(params)
    )


# --- to customers -------------------------------------------------------------------------------


def tell_customer_confirmed(request, booking) -> None:
    """A pro accepted: the booking is confirmed."""
    params = {**_session(request, booking.start), "pro": booking.pro.user.first_name}
    _to_customer(request, "request_accepted", params)


@renderer("request_accepted")
def _render_request_accepted(params):
    title = _("Booking confirmed: %(service)s on %(when)s") % _texts(params)
    return title, _("%(pro)s will come to your home.") % {"pro": params.get("pro", "")}


def tell_customer_unfulfilled(request) -> None:
    """Nobody took the request before its deadline; nothing is charged."""
    _to_customer(request, "no_pro_found", _session(request))


@renderer("no_pro_found")
def _render_no_pro_found(params):
    title = _("No pro available for %(service)s on %(when)s") % _texts(params)
    return title, _("We could not find a pro for your request. Nothing will be charged.")


def tell_customer_counter_offer(request, counter) -> None:
    """A pro proposes another time; dispatch goes on while the customer decides."""
    params = {"pro": counter.pro.user.first_name, "start": iso(counter.start)}
    _to_customer(request, "counter_offer", params)


@renderer("counter_offer")
def _render_counter_offer(params):
    title = _("%(pro)s proposes another time: %(when)s") % {
        "pro": params.get("pro", ""),
        "when": when(params.get("start")),
    }
    return title, _("Accept it or decline it in the app; we keep looking meanwhile.")


def tell_customer_session_proposed(request) -> None:
    """Their pro set up a new session that waits for the customer's answer."""
    params = {**_session(request), "pro": request.exclusive_pro.user.first_name}
    _to_customer(request, "session_proposed", params)


@renderer("session_proposed")
def _render_session_proposed(params):
    title = _("%(pro)s proposes a new session: %(service)s on %(when)s") % {
        "pro": params.get("pro", ""),
        **_texts(params),
    }
    return title, _("Confirm it or decline it in the app.")


def tell_customer_session_withdrawn(request) -> None:
    """A session their pro set up, still awaiting the customer's answer, was withdrawn by
    support or by the pro's suspension: the customer must not wait for it."""
    params = {**_session(request), "pro": request.exclusive_pro.user.first_name}
    _to_customer(request, "session_withdrawn", params)


@renderer("session_withdrawn")
def _render_session_withdrawn(params):
    title = _("Séance retirée : %(service)s le %(when)s") % _texts(params)
    body = _(
        "%(pro)s ne peut plus assurer cette séance. Rien ne vous sera facturé ; vous pouvez "
        "réserver un autre créneau dans l'application."
    ) % {"pro": params.get("pro", "")}
    return title, body


# --- to both ------------------------------------------------------------------------------------


def tell_booking_cancelled(request, booking) -> None:
    """Support cancelled a confirmed booking: the pro, then the customer."""
    params = _session(request, booking.start)
    _to_pro(booking.pro.user, "booking_cancelled", params, booking=booking.pk)
    _to_customer(request, "booking_cancelled", params)


@renderer("booking_cancelled")
def _render_booking_cancelled(params):
    return _("Session cancelled: %(service)s on %(when)s") % _texts(params), ""
