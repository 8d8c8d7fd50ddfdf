"""Pro web UI of bookings: the dashboard (open proposals, polled by htmx), proposal answers,
the agenda, a booking's page and new sessions for past customers.

Thin views: parse the input, call one service or selector, show the DomainError message.
The same services answer the pro mobile app's API (bookings/api/pro.py).
"""

from collections.abc import Mapping
from itertools import groupby

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.datefmt import time_left
from core.errors import DomainError
from core.forms import apply_domain_error
from pros.access import pro_required
from pros.selectors import missing_for_proposals

from . import selectors, services
from .card_cache import with_cached_html
from .forms import LOCAL_INPUT, CounterForm, SessionForm
from .models import Booking, Proposal
from .rules import HORIZON_MESSAGES, access_details_for, proposal_is_answerable

# How often the dashboard asks for new proposals (seconds); cheap: a handful of queries.
POLL_SECONDS = 5
UPCOMING_ON_DASHBOARD = 3
MAX_SHOWN_IDS = 50


# --- access-checked getters -----------------------------------------------------------------


def _get_proposal_for_pro(request, pk) -> Proposal:
    """The signed-in pro's own proposal, or 404 (someone else's is "not found")."""
    return get_object_or_404(
        Proposal.objects.select_related("request__service", "request__address"),
        pk=pk,
        pro=request.pro,
    )


def _get_booking_for_pro(request, pk) -> Booking:
    """The signed-in pro's own booking, or 404."""
    return get_object_or_404(
        Booking.objects.select_related("service", "address", "customer__user", "request"),
        pk=pk,
        pro=request.pro,
    )


# --- proposal cards -------------------------------------------------------------------------


def _card_state(proposal: Proposal, now) -> str:
    """open | accepted | countered | refused | gone (taken, withdrawn, expired)."""
    if proposal.status == Proposal.Status.SENT:
        return "open" if proposal_is_answerable(proposal, proposal.request, now) else "gone"
    return {
        Proposal.Status.ACCEPTED: "accepted",
        Proposal.Status.COUNTERED: "countered",
        Proposal.Status.REFUSED: "refused",
    }.get(proposal.status, "gone")


def _card_context(proposal: Proposal, *, now=None, error=None, counter_form=None, state=None):
    now = now or clock.now()
    state = state or _card_state(proposal, now)
    request = proposal.request
    counter_input = None
    if counter_form is None and state == "open":
        # No form object: the card shows the field as CounterForm would render it, unbound.
        counter_input = _counter_input(proposal.pk, request.start)
    return {
        "proposal": proposal,
        "req": request,
        "state": state,
        "error": error,
        "counter_form": counter_form,
        # The unbound counter field as CounterForm renders it, without the form renderer's
        # template round trip (the poll renders it once per card; pinned equal by a test).
        "counter_input": counter_input,
        "counter_label": CounterForm.base_fields["start"].label,
        "urls": _AnswerUrls(proposal.pk) if state == "open" else None,
        "time_left": time_left(proposal.expires_at, now) if state == "open" else "",
    }


class _AnswerUrls(Mapping):
    """The card's three answer URLs, each reversed once (the template uses each twice) and only
    when the card is rendered: the poll's cached cards (bookings/card_cache.py) never read them."""

    ACTIONS = ("accept", "refuse", "counter")

    def __init__(self, pk):
        self._pk = pk
        self._reversed = {}

    def __getitem__(self, action):
        if action not in self.ACTIONS:
            raise KeyError(action)
        if action not in self._reversed:
            self._reversed[action] = reverse(f"bookings:proposal_{action}", args=[self._pk])
        return self._reversed[action]

    def __iter__(self):
        return iter(self.ACTIONS)

    def __len__(self):
        return len(self.ACTIONS)


def _counter_input(pk, start) -> str:
    local = clock.to_paris(start).strftime(LOCAL_INPUT)
    return format_html(
        '<input type="datetime-local" name="start" value="{}" step="900" required id="p{}_start">',
        local,
        pk,
    )


def _render_card(http_request, proposal, *, status=200, **kwargs):
    return render(
        http_request,
        "bookings/partials/proposal_card.html",
        _card_context(proposal, **kwargs),
        status=status,
    )


def _cards(pro, shown_ids, now):
    """Open proposals (the first DASHBOARD_MAX_CARDS, and how many more) plus the proposals the
    page still shows (in their final state: taken, expired, answered): two queries whatever
    their number."""
    open_ones, more = selectors.open_proposals_capped(pro, now=now)
    open_ids = {proposal.pk for proposal in open_ones}
    extra_ids = [pk for pk in shown_ids if pk not in open_ids][:MAX_SHOWN_IDS]
    shown = []
    if extra_ids:
        shown = list(
            selectors.pro_proposals_by_ids(pro, extra_ids).select_related(
                "request__booking", "counter_offer"
            )
        )
    ordered = sorted(shown + open_ones, key=lambda proposal: (proposal.expires_at, proposal.pk))
    return [_card_context(proposal, now=now) for proposal in ordered], more


def _shown_ids(http_request) -> list[int]:
    ids = []
    for value in http_request.GET.getlist("shown")[:MAX_SHOWN_IDS]:
        if value.isdigit():
            ids.append(int(value))
    return ids


# --- dashboard ------------------------------------------------------------------------------


@pro_required
def dashboard(request):
    pro = request.pro
    now = clock.now()
    missing = missing_for_proposals(pro)
    cards, more = _cards(pro, [], now)
    context = {
        "pro": pro,
        "cards": cards,
        "more_proposals": more,
        "poll_seconds": POLL_SECONDS,
        "now": now,
        "missing": missing,
        **_next_sessions(pro, now),
    }
    return render(request, "bookings/dashboard.html", context)


def _next_sessions(pro, now) -> dict:
    return {
        "upcoming": list(selectors.agenda_for(pro, start_from=now)[:UPCOMING_ON_DASHBOARD]),
        "awaiting": list(selectors.pro_sessions_awaiting_customer(pro)[:UPCOMING_ON_DASHBOARD]),
    }


@require_GET
@pro_required
def next_sessions_fragment(request):
    """The dashboard's "next sessions" block, fetched again when an answer adds a session."""
    context = _next_sessions(request.pro, clock.now())
    return render(request, "bookings/partials/next_sessions.html", context)


@require_GET
@pro_required(polled=True)
def proposals_fragment(request):
    """Polled by the dashboard: the list of proposal cards."""
    cards, more = _cards(request.pro, _shown_ids(request), clock.now())
    cards = with_cached_html(request, cards)
    return render(
        request,
        "bookings/partials/proposal_list.html",
        {"cards": cards, "more_proposals": more, "now": clock.now()},
    )


def _answer(request, pk, action):
    """Run one answer service; htmx gets the card back, a plain form post a redirect."""
    proposal = _get_proposal_for_pro(request, pk)
    try:
        result = action(proposal)
    except DomainError as error:
        proposal.refresh_from_db()
        proposal.request.refresh_from_db()
        if request.htmx:
            return _render_card(request, proposal, error=str(error.message))
        messages.error(request, str(error.message))
        return redirect("bookings:dashboard")
    proposal.refresh_from_db()
    proposal.request.refresh_from_db()
    if request.htmx:
        response = _render_card(request, proposal)
        if isinstance(result, Booking):
            response["HX-Trigger"] = "sessionsChanged"  # the dashboard's next sessions block
        return response
    if isinstance(result, Booking):
        messages.success(request, _("Accepted: the session is in your agenda."))
        return redirect("bookings:booking", pk=result.pk)
    return redirect("bookings:dashboard")


@require_POST
@pro_required
def proposal_accept(request, pk):
    return _answer(
        request, pk, lambda proposal: services.proposal_accept(proposal=proposal, pro=request.pro)
    )


@require_POST
@pro_required
def proposal_refuse(request, pk):
    return _answer(
        request, pk, lambda proposal: services.proposal_refuse(proposal=proposal, pro=request.pro)
    )


@require_POST
@pro_required
def proposal_counter(request, pk):
    proposal = _get_proposal_for_pro(request, pk)
    form = CounterForm(request.POST, auto_id=f"p{proposal.pk}_%s")
    if not form.is_valid():
        error = _("Choose a date and a time.")
        if any(form.has_error("start", code) for code in HORIZON_MESSAGES):
            error = form.errors["start"][0]  # "Too far in the future."
        if request.htmx:
            return _render_card(request, proposal, error=error, counter_form=form)
        messages.error(request, error)
        return redirect("bookings:dashboard")
    start = form.cleaned_data["start"]
    try:
        services.proposal_counter(proposal=proposal, pro=request.pro, start=start)
    except DomainError as error:
        proposal.refresh_from_db()
        proposal.request.refresh_from_db()
        # The card shows one line: every message the refusal put on the form.
        apply_domain_error(form, error)
        message = " ".join(str(item) for errors in form.errors.values() for item in errors)
        if request.htmx:
            return _render_card(request, proposal, error=message, counter_form=form)
        messages.error(request, message)
        return redirect("bookings:dashboard")
    proposal.refresh_from_db()
    if request.htmx:
        return _render_card(request, proposal)
    messages.success(request, _("Your other time was sent to the customer."))
    return redirect("bookings:dashboard")


# --- agenda and bookings --------------------------------------------------------------------


def _by_day(bookings):
    return [
        (day, list(items))
        for day, items in groupby(bookings, key=lambda booking: clock.paris_date(booking.start))
    ]


@pro_required
def agenda(request):
    pro = request.pro
    now = clock.now()
    past = request.GET.get("when") == "past"
    if past:
        bookings = list(selectors.past_bookings_for_pro(pro, now=now))
    else:
        bookings = list(selectors.agenda_for(pro, start_from=now))
    context = {
        "pro": pro,
        "past": past,
        "days": _by_day(bookings),
        "awaiting": [] if past else list(selectors.pro_sessions_awaiting_customer(pro)),
        "today": clock.paris_date(now),
    }
    return render(request, "bookings/agenda.html", context)


@pro_required
def booking_detail(request, pk):
    booking = _get_booking_for_pro(request, pk)
    context = {
        "pro": request.pro,
        "booking": booking,
        "show_address": booking.shows_exact_address,
        "access_details": access_details_for(booking, request.pro.pk),
        "timeline": selectors.booking_timeline_for_pro(booking),
    }
    return render(request, "bookings/booking.html", context)


# --- a new session for a past customer ------------------------------------------------------


@pro_required
def session_new(request):
    pro = request.pro
    customers = list(selectors.past_customers_for(pro))
    form = SessionForm(
        request.POST or None,
        customers=customers,
        services=pro.services.active(),
        initial={"customer": request.GET.get("customer", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            customer = data["customer"]
            address = customer.addresses.filter(pk=customer.last_address_id).first()
            try:
                services.pro_session_propose(
                    pro=pro,
                    customer=customer,
                    service=data["service"],
                    address=address,
                    start=data["start"],
                    notes=data["notes"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("Session proposed: it is booked once %(name)s confirms it in the app.")
                    % {"name": customer.user.first_name},
                )
                return redirect("bookings:agenda")
        else:
            status = 400
    return render(
        request,
        "bookings/session_new.html",
        {"pro": pro, "form": form, "has_customers": bool(customers)},
        status=status,
    )
