"""The dispatch engine: one step for one request (what the wake-up task and the sweep run),
the sweep itself, and support's two levers (re-dispatch, bonus proposals).

A step is safe to repeat: it works from the rows under the request lock, never from the
message that woke it. Its pipeline, in order (see `booking_request_advance`): expire due
proposals, lapse a pro's session the customer did not confirm, close at the booking deadline,
top the wave up to the policy's size, flag (or close) when nobody is left, store the next due
time and wake up for it.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction

from bookings.dispatch import wakeups
from core import clock
from pros.models import Pro

from .. import events, notifications
from ..closing import close_request, withdraw_open
from ..errors import RequestUnavailable
from ..locking import lock_due_proposals, lock_request, try_lock_request
from ..models import BookingRequest, CounterOffer, Proposal
from ..selectors.support import due_request_ids
from .candidates import candidates_for
from .policy import wave_for

logger = logging.getLogger(__name__)

Status = BookingRequest.Status


def booking_request_advance(
    *, request_id: int, skip_locked: bool = False, only_if_due: bool = False
) -> bool:
    """One step of the engine for one request (tasks and the sweep call it; safe to repeat).
    Returns whether the request was processed (False: gone, locked by another transaction
    with `skip_locked`, or not due with `only_if_due`)."""
    with transaction.atomic():
        request = try_lock_request(request_id, skip_locked=skip_locked)
        if request is None:
            return False
        now = clock.now()
        if not request.is_open:
            return _clear_due(request)
        if only_if_due and not _is_due(request, now):
            return False
        _expire_due_proposals(request, now)
        if request.status == Status.AWAITING_CUSTOMER:
            return _lapse_or_wait(request, now)
        if now >= request.booking_deadline:
            return _close_unfulfilled(request, now, reason="deadline")
        sent, holding = _top_up_wave(request, now)
        if _flag_or_close_if_exhausted(request, now, sent=sent, holding=holding):
            return True
        _schedule_next(request, now, sent=sent)
        return True


# --- the steps ------------------------------------------------------------------------------


def _clear_due(request: BookingRequest) -> bool:
    """A closed request is never due again."""
    if request.next_dispatch_at is not None:
        request.next_dispatch_at = None
        request.save(update_fields=["next_dispatch_at"])
    return True


def _is_due(request: BookingRequest, now: datetime) -> bool:
    """Its due time passed, or (belt and braces) one of its proposals expired anyway."""
    if request.next_dispatch_at and request.next_dispatch_at <= now:
        return True
    return request.proposals.filter(status=Proposal.Status.SENT, expires_at__lte=now).exists()


def _expire_due_proposals(request: BookingRequest, now: datetime) -> None:
    """Proposals nobody answered in time expire (their places are free again)."""
    for proposal in lock_due_proposals(request, now):
        proposal.status = Proposal.Status.EXPIRED
        proposal.save(update_fields=["status"])
        events.proposal_expired(request=request, proposal=proposal)


def _lapse_or_wait(request: BookingRequest, now: datetime) -> bool:
    """A session a pro set up: cancelled at its deadline if the customer did not confirm it
    (the pro is told), else due again at that deadline."""
    if now >= request.booking_deadline:
        close_request(
            request, status=Status.CANCELLED, now=now, cancel_reason="not_confirmed_in_time"
        )
        events.request_lapsed(request=request)
        notifications.tell_pro_session_lapsed(request)
    else:
        request.next_dispatch_at = request.booking_deadline
        request.save(update_fields=["next_dispatch_at"])
    return True


def _close_unfulfilled(request: BookingRequest, now: datetime, *, reason: str) -> bool:
    """Nobody took it: open proposals are withdrawn, the customer is told, nothing is charged."""
    withdraw_open(request, now=now, cancelled=True)
    close_request(request, status=Status.UNFULFILLED, now=now)
    events.request_unfulfilled(request=request, reason=reason)
    notifications.tell_customer_unfulfilled(request)
    return True


def _top_up_wave(request: BookingRequest, now: datetime) -> tuple[list[Proposal], int]:
    """Send proposals to the next candidates until the wave policy's number of pros hold one
    (bonus proposals take no place). Returns the new proposals and how many held one before."""
    wave = wave_for(start=request.start, now=now)
    holding = request.proposals.filter(status=Proposal.Status.SENT, is_bonus=False).count()
    sent = []
    if holding < wave.size:
        for candidate in candidates_for(request, limit=wave.size - holding, now=now):
            proposal = Proposal.objects.create(
                request=request,
                pro_id=candidate.pro_id,
                sent_at=now,
                expires_at=now + wave.answer_time,
            )
            sent.append(proposal)
            events.proposal_sent(request=request, proposal=proposal, wave=wave, candidate=candidate)
    if sent:
        for proposal in Proposal.objects.filter(pk__in=[p.pk for p in sent]).select_related(
            "pro__user"
        ):
            notifications.tell_pro_new_proposal(proposal, request)
    return sent, holding


def _flag_or_close_if_exhausted(
    request: BookingRequest, now: datetime, *, sent: list, holding: int
) -> bool:
    """New proposals take the request out of support's queue. Nobody holding one and nobody
    left to ask: an exclusive request without fallback closes (unless a counter-offer still
    waits for the customer); any other request is flagged for support. Returns whether the
    request was closed."""
    if sent:
        request.flagged_at = None
    elif holding == 0:
        if request.exclusive_pro_id and not request.fallback_to_others:
            if not request.counter_offers.filter(status=CounterOffer.Status.OPEN).exists():
                return _close_unfulfilled(request, now, reason="exclusive_pro_unavailable")
        elif request.flagged_at is None:
            request.flagged_at = now
            events.request_flagged(request=request, reason="no_candidate_left")
    return False


def _schedule_next(request: BookingRequest, now: datetime, *, sent: list) -> None:
    """Due again at the first open proposal's expiry (or the booking deadline); a wake-up for
    that expiry when this step sent proposals (the sweep covers the rest)."""
    next_expiry = (
        request.proposals.filter(status=Proposal.Status.SENT)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    request.next_dispatch_at = min(filter(None, [next_expiry, request.booking_deadline]))
    request.save(update_fields=["next_dispatch_at", "flagged_at"])
    if next_expiry is not None and sent:
        wakeups.wake(request.pk, at=next_expiry, now=now)


# --- the sweep ------------------------------------------------------------------------------


def dispatch_sweep(*, batch: int | None = None, max_batches: int = 20) -> int:
    """Process every due request in SKIP LOCKED batches (each request in its own
    transaction, so an accept in progress is never waited for). Returns how many ran."""
    batch = batch or settings.DISPATCH_SWEEP_BATCH
    processed = 0
    for _round in range(max_batches):
        ids = due_request_ids(now=clock.now(), limit=batch)
        done = 0
        for request_id in ids:
            try:
                if booking_request_advance(
                    request_id=request_id, skip_locked=True, only_if_due=True
                ):
                    done += 1
            except Exception:  # one broken request must not stop the others; it stays due
                logger.exception("dispatch step failed for request %s", request_id)
        processed += done
        if len(ids) < batch or done == 0:
            break
    return processed


# --- support's levers -----------------------------------------------------------------------


def booking_request_redispatch(*, request: BookingRequest, by) -> BookingRequest:
    """Support: take a flagged request out of the queue and look for candidates again now."""
    with transaction.atomic():
        request = lock_request(request.pk)
        if request.status != Status.DISPATCHING:
            raise RequestUnavailable()
        now = clock.now()
        request.flagged_at = None
        request.save(update_fields=["flagged_at"])
        events.request_redispatched(request=request, actor=by)
        wakeups.free_place(request, now=now)
        return request


def booking_request_send_bonus(*, request: BookingRequest, pros, by) -> list[Proposal]:
    """Support: send the request to chosen pros outside their settings (zone, hours,
    services). Bonus proposals do not take a place in the wave and count for neither score
    nor fairness; the booking still has to fit the pro's agenda when they accept. Pros who
    may not work (suspended) or were already asked are skipped."""
    with transaction.atomic():
        request = lock_request(request.pk)
        now = clock.now()
        if request.status != Status.DISPATCHING or now >= request.booking_deadline:
            raise RequestUnavailable()
        wave = wave_for(start=request.start, now=now)
        chosen = sorted({p.pk: p for p in pros}.values(), key=lambda p: p.pk)
        asked = set(request.proposals.values_list("pro_id", flat=True))
        may_work = set(
            Pro.objects.may_work()
            .filter(pk__in=[p.pk for p in chosen])
            .values_list("pk", flat=True)
        )
        created = []
        for pro in chosen:
            if pro.pk in asked or pro.pk not in may_work:
                continue
            proposal = Proposal.objects.create(
                request=request,
                pro=pro,
                is_bonus=True,
                sent_at=now,
                expires_at=now + wave.answer_time,
            )
            created.append(proposal)
            events.proposal_sent(request=request, proposal=proposal, wave=wave, actor=by)
            notifications.tell_pro_new_proposal(proposal, request)
        if created:
            expiry = now + wave.answer_time
            request.next_dispatch_at = min(filter(None, [request.next_dispatch_at, expiry]))
            request.save(update_fields=["next_dispatch_at"])
            wakeups.wake(request.pk, at=expiry, now=now)
        return created
