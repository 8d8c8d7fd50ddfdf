"""The booking request's timeline: every kind of BookingEvent, its label, who may see it,
and one writer per kind.

A transition writes its event in the same transaction as its change, through the writer
named after the kind (`events.proposal_withdrawn(...)`), so each kind's data is written in one
place. Support reads the timeline in the admin (labels below); the booking's pro sees only
the request's own steps and their own answers (`PRO_VISIBLE_KINDS`, `PRO_OWN_KINDS`).
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from core.bulk import insert_rows
from core.instances import new

from .models import BookingEvent

# One log line per timeline event, with its booking request id (core/logging.py): a request's
# life can be followed in the logs from its creation to its booking.
logger = logging.getLogger(__name__)


class EventKind(models.TextChoices):
    REQUEST_CREATED = "request_created", _("Request created")
    SESSION_PROPOSED = "session_proposed", _("Session proposed by the pro")
    PROPOSAL_SENT = "proposal_sent", _("Proposal sent")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("Accepted")
    PROPOSAL_REFUSED = "proposal_refused", _("Refused")
    PROPOSAL_EXPIRED = "proposal_expired", _("No answer (expired)")
    PROPOSAL_WITHDRAWN = "proposal_withdrawn", _("Withdrawn")
    PROPOSAL_COUNTERED = "proposal_countered", _("Other time proposed")
    COUNTER_OFFER_ACCEPTED = "counter_offer_accepted", _("Other time accepted by the customer")
    COUNTER_OFFER_DECLINED = "counter_offer_declined", _("Other time declined by the customer")
    COUNTER_OFFER_LAPSED = "counter_offer_lapsed", _("Other time lapsed")
    BOOKING_CONFIRMED = "booking_confirmed", _("Booking confirmed")
    BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
    BOOKING_COMPLETED = "booking_completed", _("Session completed")
    REQUEST_FLAGGED = "request_flagged", _("Flagged for support: no candidate left")
    REQUEST_REDISPATCHED = "request_redispatched", _("Re-dispatched by support")
    REQUEST_CANCELLED = "request_cancelled", _("Request cancelled")
    REQUEST_UNFULFILLED = "request_unfulfilled", _("No pro found")
    REQUEST_LAPSED = "request_lapsed", _("Not confirmed in time")
    SESSION_DECLINED = "session_declined", _("Declined by the customer")
    SEEDED_HISTORY = "seeded_history", _("Past session written by the demo seeder")
    BOOKING_RESCHEDULED = "booking_rescheduled", _("Session moved")
    REQUEST_REPLACED = "request_replaced", _("Sent again after the pro cancelled")
    # Written by checkin (checkin/events.py): the session's declarations and automatic actions.
    SESSION_RECORD_OPENED = "session_record_opened", _("Session record opened")
    SESSION_ARRIVAL = "session_arrival", _("Pro declared their arrival")
    SESSION_LATE = "session_late", _("Pro declared they are late")
    SESSION_CHANGED = "session_changed", _("Session changed (agreed with the customer)")
    SESSION_CUSTOMER_ABSENT = "session_customer_absent", _("Pro reported the customer absent")
    SESSION_NO_SHOW = "session_no_show", _("Customer absent: the pro left (absence fee)")
    SESSION_CUSTOMER_WANTS_CANCEL = (
        "session_customer_wants_cancel",
        _("Pro reported the customer wants to cancel"),
    )
    SESSION_PRO_CANCELLED = "session_pro_cancelled", _("Cancelled by the pro")
    SESSION_DONE = "session_done", _("Pro declared the session done")
    SESSION_CUSTOMER_CANCELLED = "session_customer_cancelled", _("Cancelled by the customer")
    SESSION_SUPPORT_CANCELLED = "session_support_cancelled", _("Cancelled by support")
    SESSION_AUTO_COMPLETED = "session_auto_completed", _("Session closed by itself at its end")
    SESSION_BILLING_CANCELLED = (
        "session_billing_cancelled",
        _("Not declared within 5 days: billing cancelled"),
    )
    SESSION_CLOSED_WITH_BOOKING = (
        "session_closed_with_booking",
        _("Booking cancelled outside check-in"),
    )
    SESSION_REMINDER_SENT = "session_reminder_sent", _("Pro reminded to declare")
    SESSION_FEE_WAIVED = "session_fee_waived", _("Fee waived by the pro")
    SESSION_REDISPATCHED = "session_redispatched", _("Sent again to other pros")
    SESSION_PRO_BLOCKED = (
        "session_pro_blocked",
        _("Pro blocked from new proposals (late cancellations)"),
    )
    # The content is never stored in the timeline: it opens a home.
    ACCESS_DETAILS_CHANGED = (
        "access_details_changed",
        _("Informations d'accès modifiées par le client"),
    )


# What support reads in the admin timeline, by kind.
EVENT_LABELS = dict(EventKind.choices)

# Kinds the booking's pro sees on their booking page: the request's own steps...
PRO_VISIBLE_KINDS = frozenset(
    {
        EventKind.REQUEST_CREATED,
        EventKind.SESSION_PROPOSED,
        EventKind.BOOKING_CONFIRMED,
        EventKind.BOOKING_CANCELLED,
        EventKind.BOOKING_COMPLETED,
    }
)
# ... and these only when they are about the pro themself (never other pros' answers).
PRO_OWN_KINDS = frozenset(
    {EventKind.PROPOSAL_SENT, EventKind.PROPOSAL_ACCEPTED, EventKind.COUNTER_OFFER_ACCEPTED}
)


def event_label(kind: str) -> str:
    """The label support reads for `kind` (the raw kind for one this code does not know)."""
    return EVENT_LABELS.get(kind, kind)


# Rows the writers queue inside `written_together()` (None: written at once).
_queued: ContextVar[list | None] = ContextVar("bookings_events_queued", default=None)


@contextmanager
def written_together():
    """The writers called inside the block queue their rows, and one INSERT writes them all
    when it ends without an error (the dispatch engine's batches: one statement per step, not
    one per event). Use it inside the transaction."""
    queued: list[BookingEvent] = []
    token = _queued.set(queued)
    try:
        yield
    finally:
        _queued.reset(token)
    insert_rows(BookingEvent, queued)


def _write(request, kind: EventKind, *, actor=None, booking=None, **data) -> BookingEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous user is nobody: the row says "system"
    event = new(
        BookingEvent,
        request=request,
        booking=booking,
        actor=actor,
        kind=kind.value,
        data=data,
        created_at=clock.now(),
    )
    logger.info(
        "booking event %s",
        kind.value,
        extra={
            "booking_request_id": request.pk,
            "event": kind.value,
            "booking_id": event.booking_id,
        },
    )
    queued = _queued.get()
    if queued is None:
        event.save(force_insert=True)
    else:
        queued.append(event)
    return event


def _reason(reason: str) -> dict:
    return {"reason": reason} if reason else {}


# --- the request ----------------------------------------------------------------------------


def request_created(*, request, actor, exclusive_pro=None) -> BookingEvent:
    return _write(
        request,
        EventKind.REQUEST_CREATED,
        actor=actor,
        service=request.service_id,
        start=request.start.isoformat(),
        exclusive_pro=exclusive_pro.pk if exclusive_pro else None,
        fallback_to_others=request.fallback_to_others,
        price_cents=request.price_cents,
    )


def session_proposed(*, request, pro) -> BookingEvent:
    return _write(
        request,
        EventKind.SESSION_PROPOSED,
        actor=pro.user,
        pro=pro.pk,
        start=request.start.isoformat(),
    )


def request_flagged(*, request, reason: str) -> BookingEvent:
    return _write(request, EventKind.REQUEST_FLAGGED, reason=reason)


def request_redispatched(*, request, actor) -> BookingEvent:
    return _write(request, EventKind.REQUEST_REDISPATCHED, actor=actor)


def request_cancelled(*, request, actor) -> BookingEvent:
    return _write(request, EventKind.REQUEST_CANCELLED, actor=actor, reason=request.cancel_reason)


def request_unfulfilled(*, request, reason: str) -> BookingEvent:
    return _write(request, EventKind.REQUEST_UNFULFILLED, reason=reason)


def request_lapsed(*, request) -> BookingEvent:
    return _write(request, EventKind.REQUEST_LAPSED)


def session_declined(*, request, actor) -> BookingEvent:
    return _write(request, EventKind.SESSION_DECLINED, actor=actor)


# --- proposals ------------------------------------------------------------------------------


def proposal_sent(*, request, proposal, wave, candidate=None, actor=None) -> BookingEvent:
    """A wave proposal carries its candidate's ranking; a bonus one (support's) says so."""
    if candidate is not None:
        ranking = {
            "rank": candidate.rank,
            "score": candidate.score,
            "distance_m": candidate.distance_m,
        }
    else:
        ranking = {"is_bonus": True}
    return _write(
        request,
        EventKind.PROPOSAL_SENT,
        actor=actor,
        proposal=proposal.pk,
        pro=proposal.pro_id,
        **ranking,
        expires_at=proposal.expires_at.isoformat(),
        **({"wave_size": wave.size} if candidate is not None else {}),
        answer_seconds=int(wave.answer_time.total_seconds()),
    )


def proposal_accepted(*, request, proposal, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.PROPOSAL_ACCEPTED,
        actor=actor,
        proposal=proposal.pk,
        pro=proposal.pro_id,
        is_bonus=proposal.is_bonus,
    )


def proposal_refused(*, request, proposal, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.PROPOSAL_REFUSED,
        actor=actor,
        proposal=proposal.pk,
        pro=proposal.pro_id,
        is_bonus=proposal.is_bonus,
    )


def proposal_expired(*, request, proposal) -> BookingEvent:
    return _write(
        request,
        EventKind.PROPOSAL_EXPIRED,
        proposal=proposal.pk,
        pro=proposal.pro_id,
        is_bonus=proposal.is_bonus,
    )


def proposal_withdrawn(*, request, proposal, actor=None, reason: str = "") -> BookingEvent:
    return _write(
        request,
        EventKind.PROPOSAL_WITHDRAWN,
        actor=actor,
        proposal=proposal.pk,
        pro=proposal.pro_id,
        **_reason(reason),
    )


def proposal_countered(*, request, proposal, counter_offer, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.PROPOSAL_COUNTERED,
        actor=actor,
        proposal=proposal.pk,
        pro=proposal.pro_id,
        counter_offer=counter_offer.pk,
        start=counter_offer.start.isoformat(),
    )


# --- counter-offers -------------------------------------------------------------------------


def counter_offer_accepted(*, request, counter_offer, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.COUNTER_OFFER_ACCEPTED,
        actor=actor,
        counter_offer=counter_offer.pk,
        pro=counter_offer.pro_id,
    )


def counter_offer_declined(*, request, counter_offer, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.COUNTER_OFFER_DECLINED,
        actor=actor,
        counter_offer=counter_offer.pk,
        pro=counter_offer.pro_id,
    )


def counter_offer_lapsed(*, request, counter_offer, actor=None, reason: str = "") -> BookingEvent:
    return _write(
        request,
        EventKind.COUNTER_OFFER_LAPSED,
        actor=actor,
        counter_offer=counter_offer.pk,
        pro=counter_offer.pro_id,
        **_reason(reason),
    )


# --- bookings -------------------------------------------------------------------------------


def booking_confirmed(*, request, booking, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.BOOKING_CONFIRMED,
        actor=actor,
        booking=booking,
        pro=booking.pro_id,
        start=booking.start.isoformat(),
        end=booking.end.isoformat(),
    )


def booking_cancelled(*, request, booking, actor) -> BookingEvent:
    return _write(
        request,
        EventKind.BOOKING_CANCELLED,
        actor=actor,
        booking=booking,
        reason=request.cancel_reason,
    )


def booking_completed(*, request, booking, actor=None) -> BookingEvent:
    return _write(request, EventKind.BOOKING_COMPLETED, actor=actor, booking=booking)


def booking_rescheduled(*, request, booking, actor, old_start, old_end, old_price_cents):
    return _write(
        request,
        EventKind.BOOKING_RESCHEDULED,
        actor=actor,
        booking=booking,
        pro=booking.pro_id,
        old_start=old_start.isoformat(),
        old_end=old_end.isoformat(),
        start=booking.start.isoformat(),
        end=booking.end.isoformat(),
        old_price_cents=old_price_cents,
        price_cents=booking.price_cents,
    )


def request_replaced(*, request, replaced, excluded_pro, actor=None) -> BookingEvent:
    """On the new request: it replaces `replaced`, whose pro cancelled (never asked again)."""
    return _write(
        request,
        EventKind.REQUEST_REPLACED,
        actor=actor,
        replaces=replaced.pk,
        excluded_pro=excluded_pro.pk,
        start=request.start.isoformat(),
    )


def access_details_changed(*, request, actor) -> BookingEvent:
    """The customer changed the access details (door code...): only that they did, not what."""
    return _write(request, EventKind.ACCESS_DETAILS_CHANGED, actor=actor)


def seeded_history(*, request, booking) -> BookingEvent:
    """A past session the demo seeder wrote directly (no service may book in the past)."""
    return _write(request, EventKind.SEEDED_HISTORY, booking=booking, pro=booking.pro_id)
