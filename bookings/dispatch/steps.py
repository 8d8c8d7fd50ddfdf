"""One engine step for a list of requests, set-based: a wake-up runs it for its request (and
other due ones), the sweep for a claimed batch (both locked by `claims`). Whatever the number
of requests, a step costs one locking read, one candidate query (the candidate function once
per request that needs a pro, in one statement), one statement that inserts the new proposals, expires the due ones and stores
every request's next due time, and one INSERT each for the timeline and the notifications:
5 statements (and the commit). A step's transaction commits without waiting for the WAL flush
(`synchronous_commit = off`, for this transaction only): a step is re-runnable from the rows
(the due time is data), so a PostgreSQL crash that loses its last fraction of a second of
steps loses nothing the sweep does not redo, and every step saves a disk flush.

Per request, in order (the product rules of `booking_request_advance`): expire the proposals
nobody answered in time, lapse a pro's session the customer did not confirm, close at the
booking deadline, top the wave up to the policy's size, flag (or close) when nobody is left,
store the next due time and wake up for it. The rare endings (lapse, deadline, an exclusive
request nobody may take) go through the shared closing helpers, request by request.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from core import bulk, metrics
from core.instances import new
from core.models import User
from notifications import services as notification_services
from pros import scoring
from pros.models import Pro

from .. import events, notifications
from ..closing import close_request, withdraw_open
from ..models import BookingRequest, Proposal
from . import wakeups
from .candidates import NOT_ASKED, candidates_for_many
from .policy import wave_for

Status = BookingRequest.Status
SENT = Proposal.Status.SENT


# --- the step -----------------------------------------------------------------------------------


@dataclass
class _Writes:
    """What a step writes at its end, for every request at once."""

    proposals: list = field(default_factory=list)
    expire: dict = field(default_factory=dict)  # request pk -> due proposal ids
    due_times: dict = field(default_factory=dict)  # request pk -> (next_dispatch_at, flagged_at)
    wake: dict = field(default_factory=dict)  # request pk -> next expiry
    top_up: list = field(default_factory=list)  # (request, wave, exclusive answer)
    expired: list = field(default_factory=list)  # the due proposals, for the pros' scores


def advance(requests: list[BookingRequest], *, now: datetime, only_if_due: bool = False) -> int:
    """One engine step for each locked request (from `lock_for_step` or a claim). Returns how
    many were processed (not counting those `only_if_due` found not due)."""
    writes = _Writes()
    processed = 0
    with events.written_together(), notification_services.written_together():
        for request in requests:
            if _step(request, now=now, only_if_due=only_if_due, writes=writes):
                processed += 1
        # Who is next, for every request whose wave has room: one statement for the batch.
        found = candidates_for_many(
            [
                (request, wave.size - request.step_holding, status)
                for request, wave, status in writes.top_up
            ],
            now=now,
        )
        for request, wave, _status in writes.top_up:
            _top_up_wave(request, now, wave, found.get(request.pk, []), writes)
        _write_step(writes)
    scoring.score_proposals_expired(proposals=writes.expired, at=now)  # on commit
    wakeups.wake_many(writes.wake, now=now)
    metrics.dispatch_step(sent=len(writes.proposals), expired=len(writes.expired))
    return processed


def _step(request: BookingRequest, *, now: datetime, only_if_due: bool, writes: _Writes) -> bool:
    if not request.is_open:
        if request.next_dispatch_at is not None:  # a closed request is never due again
            writes.due_times[request.pk] = (None, request.flagged_at)
        return True
    due = [
        new(Proposal, id=row["id"], request=request, pro_id=row["pro_id"], is_bonus=row["is_bonus"])
        for row in request.step_due
    ]
    is_due = (request.next_dispatch_at and request.next_dispatch_at <= now) or due
    if only_if_due and not is_due:
        return False
    for proposal in due:  # nobody answered in time: their places are free again
        events.proposal_expired(request=request, proposal=proposal)
    if due:
        writes.expire[request.pk] = [proposal.pk for proposal in due]
        writes.expired.extend(due)
    if request.status == Status.AWAITING_CUSTOMER:
        _lapse_or_wait(request, now, writes)
    elif now >= request.booking_deadline:
        _expire_now(request, writes)
        _close_unfulfilled(request, now, reason="deadline")
    else:
        _plan_top_up(request, now, writes)
    return True


def _lapse_or_wait(request: BookingRequest, now: datetime, writes: _Writes) -> None:
    """A session a pro set up: cancelled at its deadline if the customer did not confirm it
    (the pro is told), else due again at that deadline."""
    if now >= request.booking_deadline:
        _expire_now(request, writes)
        close_request(
            request, status=Status.CANCELLED, now=now, cancel_reason="not_confirmed_in_time"
        )
        events.request_lapsed(request=request)
        notifications.tell_pro_session_lapsed(request)
    else:
        writes.due_times[request.pk] = (request.booking_deadline, request.flagged_at)


def _close_unfulfilled(request: BookingRequest, now: datetime, *, reason: str) -> None:
    """Nobody took it: open proposals are withdrawn, the customer is told, nothing is charged."""
    withdraw_open(request, now=now, cancelled=True)
    close_request(request, status=Status.UNFULFILLED, now=now)
    events.request_unfulfilled(request=request, reason=reason)
    notifications.tell_customer_unfulfilled(request)


def _plan_top_up(request: BookingRequest, now: datetime, writes: _Writes) -> None:
    """The request's wave (policy by lead time) and its exclusive pro's answer, for the batch's
    candidate query."""
    exclusive_status = request.step_exclusive_status or NOT_ASKED
    if exclusive_status == SENT and request.pk in writes.expire:
        # The exclusive pro's proposal may be the one expiring in this step.
        if any(row["pro_id"] == request.exclusive_pro_id for row in request.step_due):
            exclusive_status = Proposal.Status.EXPIRED
    writes.top_up.append((request, wave_for(start=request.start, now=now), exclusive_status))


def _top_up_wave(
    request: BookingRequest, now: datetime, wave, candidates: list, writes: _Writes
) -> None:
    """Send proposals to the next candidates until the wave policy's number of pros hold one
    (bonus proposals take no place); then new proposals take the request out of support's
    queue, or, nobody holding one and nobody left to ask, an exclusive request without
    fallback closes (unless a counter-offer still waits for the customer) and any other is
    flagged for support. Due again at the first open proposal's expiry (or the deadline)."""
    holding = request.step_holding
    sent = []
    for candidate in candidates:
        user = new(
            User, id=candidate.user_id, email=candidate.user_email, language=candidate.user_language
        )
        user.has_push_devices = candidate.has_device  # read by notifications.services
        proposal = new(
            Proposal,
            request=request,
            pro=new(Pro, id=candidate.pro_id, user=user),
            sent_at=now,
            expires_at=now + wave.answer_time,
        )
        sent.append((proposal, candidate, wave))
    flagged_at = request.flagged_at
    if sent:
        flagged_at = None
        writes.proposals.extend(sent)
    elif holding == 0:
        if request.exclusive_pro_id and not request.fallback_to_others:
            if not request.step_open_counter:
                _expire_now(request, writes)
                _close_unfulfilled(request, now, reason="exclusive_pro_unavailable")
                return
        elif flagged_at is None:
            flagged_at = now
            events.request_flagged(request=request, reason="no_candidate_left")
    expiries = [request.step_next_expiry] + [proposal.expires_at for proposal, *_ in sent]
    next_expiry = min(filter(None, expiries), default=None)
    writes.due_times[request.pk] = (
        min(filter(None, [next_expiry, request.booking_deadline])),
        flagged_at,
    )
    if next_expiry is not None and sent:
        writes.wake[request.pk] = next_expiry


def _expire_now(request: BookingRequest, writes: _Writes) -> None:
    """Before a request closes through the shared helpers (which withdraw what is still open),
    its due proposals are expired at once rather than with the batch's final UPDATE."""
    ids = writes.expire.pop(request.pk, [])
    if ids:
        Proposal.objects.filter(pk__in=ids, status=SENT).update(status=Proposal.Status.EXPIRED)


# The new proposals' columns (all but the primary key), as the model defines them.
_PROPOSAL_FIELDS = bulk.insertable_fields(Proposal)
_PROPOSAL_COLUMNS, _PROPOSAL_ROWS = bulk.recordset(_PROPOSAL_FIELDS, "%(proposals)s")

# One statement for a step's writes to its own tables: the new proposals (RETURNING their ids),
# the due proposals of the requests that stay open expired, every request's next due time and
# support flag. Safe without re-checking: the requests are locked, and every writer of a
# proposal locks its request first.
_WRITE_STEP = f"""
WITH inserted AS (
    INSERT INTO bookings_proposal ({_PROPOSAL_COLUMNS})
    SELECT {_PROPOSAL_COLUMNS} FROM {_PROPOSAL_ROWS} ORDER BY row_number
    RETURNING id, request_id, pro_id
), expired AS (
    UPDATE bookings_proposal SET status = 'expired'
    WHERE id = ANY(%(expired)s) AND status = 'sent'
    RETURNING id
), rescheduled AS (
    UPDATE bookings_bookingrequest r
    SET next_dispatch_at = v.next_dispatch_at, flagged_at = v.flagged_at
    FROM unnest(%(ids)s::bigint[], %(due)s::timestamptz[], %(flagged)s::timestamptz[])
         AS v(id, next_dispatch_at, flagged_at)
    WHERE r.id = v.id
    RETURNING r.id
)
SELECT inserted.id, inserted.request_id, inserted.pro_id,
       (SELECT count(*) FROM expired), (SELECT count(*) FROM rescheduled)
FROM (SELECT 1) one LEFT JOIN inserted ON true
"""


def _write_step(writes: _Writes) -> None:
    """The step's own writes in one statement (`_WRITE_STEP`); then the new proposals' events
    and their pros' notifications (written by the blocks `advance` opened)."""
    proposals = [proposal for proposal, *_ in writes.proposals]
    expired = [pk for ids in writes.expire.values() for pk in ids]
    if not proposals and not expired and not writes.due_times:
        return
    ids = list(writes.due_times)
    params = {
        "expired": expired,
        "ids": ids,
        "due": [writes.due_times[pk][0] for pk in ids],
        "flagged": [writes.due_times[pk][1] for pk in ids],
    }
    params["proposals"] = bulk.json_rows(_PROPOSAL_FIELDS, proposals)
    with connection.cursor() as cursor:
        cursor.execute(_WRITE_STEP, params)
        new_ids = {(row[1], row[2]): row[0] for row in cursor.fetchall() if row[0] is not None}
    for proposal in proposals:
        proposal.pk = new_ids[(proposal.request_id, proposal.pro_id)]
        proposal._state.adding = False
        proposal._state.db = connection.alias
    for proposal, candidate, wave in writes.proposals:
        events.proposal_sent(
            request=proposal.request, proposal=proposal, wave=wave, candidate=candidate
        )
        notifications.tell_pro_new_proposal(proposal, proposal.request)
