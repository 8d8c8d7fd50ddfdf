"""One engine step for a list of requests, set-based: the wake-up task runs it for one request,
the sweep for a claimed batch. Whatever the number of requests, a step costs one locking read,
one candidate query (the candidate function once per request that needs a pro, in one
statement), one statement that inserts the new proposals, expires the due ones and stores
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

from catalog.models import Service
from core import metrics
from core.models import User
from customers.models import Address
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


# --- the locking read ---------------------------------------------------------------------------


def _columns(model, alias: str, prefix: str) -> tuple[list[str], list[str]]:
    """SELECT items for the model's columns under `prefix`, and the attribute names."""
    fields = model._meta.concrete_fields
    items = [f'{alias}."{field.column}" AS "{prefix}{field.attname}"' for field in fields]
    return items, [field.attname for field in fields]


_REQUEST_COLUMNS, _REQUEST_FIELDS = _columns(BookingRequest, "r", "")
_ADDRESS_COLUMNS, _ADDRESS_FIELDS = _columns(Address, "a", "address__")
_SERVICE_COLUMNS, _SERVICE_FIELDS = _columns(Service, "s", "service__")

# The requests (their own rows locked), with their address and service, and what a step reads
# of their proposals and counter-offers: one statement, written once (not compiled by the ORM
# at every step).
_LOCK = (
    "SELECT "
    + ", ".join(_REQUEST_COLUMNS + _ADDRESS_COLUMNS + _SERVICE_COLUMNS)
    + """,
    st.step_holding, st.step_next_expiry, st.step_due, st.step_exclusive_status,
    EXISTS (SELECT 1 FROM bookings_counteroffer c
            WHERE c.request_id = r.id AND c.status = 'open') AS step_open_counter
FROM "bookings_bookingrequest" r
-- Per locked row, by primary key and by request (OFFSET 0: never turned into a join that
-- would read whole tables for a batch of 100).
CROSS JOIN LATERAL (SELECT * FROM customers_address WHERE id = r.address_id OFFSET 0) a
CROSS JOIN LATERAL (SELECT * FROM catalog_service WHERE id = r.service_id OFFSET 0) s
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE p.status = 'sent' AND NOT p.is_bonus
                              AND p.expires_at > %(now)s) AS step_holding,
           min(p.expires_at) FILTER (WHERE p.status = 'sent' AND p.expires_at > %(now)s)
               AS step_next_expiry,
           coalesce(json_agg(json_build_object('id', p.id, 'pro_id', p.pro_id,
                                               'is_bonus', p.is_bonus) ORDER BY p.id)
                    FILTER (WHERE p.status = 'sent' AND p.expires_at <= %(now)s), '[]')
               AS step_due,
           min(p.status) FILTER (WHERE p.pro_id = r.exclusive_pro_id) AS step_exclusive_status
    FROM bookings_proposal p WHERE p.request_id = r.id
    OFFSET 0
) st
WHERE {where}
ORDER BY {order}
LIMIT %(limit)s
FOR UPDATE OF r{skip}"""
)
_STATE = ("step_holding", "step_next_expiry", "step_due", "step_exclusive_status")


# Sent with the locking read, in the same round trip (see the module docstring).
_ASYNC_COMMIT = "SET LOCAL synchronous_commit = off;\n"


def _lock(where: str, order: str, params: dict, *, skip_locked: bool) -> list[BookingRequest]:
    return _lock_parts([(where, order, skip_locked)], params)[0]


def _lock_parts(parts: list[tuple[str, str, bool]], params: dict) -> list[list[BookingRequest]]:
    """Each part's locking read (where, order, skip_locked; its limit is `%(limit_<i>)s`), in
    one round trip and in this order; the requests each part found."""
    sql = _ASYNC_COMMIT + ";\n".join(
        _LOCK.replace("%(limit)s", f"%(limit_{index})s").format(
            where=where, order=order, skip=" SKIP LOCKED" if skip_locked else ""
        )
        for index, (where, order, skip_locked) in enumerate(parts)
    )
    found = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for _part in parts:
            cursor.nextset()  # past the SET's (or the previous part's) result
            found.append(_requests_of(cursor))
    return found


def _requests_of(cursor) -> list[BookingRequest]:
    requests = []
    names = [column.name for column in cursor.description]
    for row in cursor.fetchall():
        values = dict(zip(names, row, strict=True))
        request = BookingRequest.from_db(
            connection.alias, _REQUEST_FIELDS, [values[f] for f in _REQUEST_FIELDS]
        )
        request.address = Address.from_db(
            connection.alias,
            _ADDRESS_FIELDS,
            [values["address__" + f] for f in _ADDRESS_FIELDS],
        )
        request.service = Service.from_db(
            connection.alias,
            _SERVICE_FIELDS,
            [values["service__" + f] for f in _SERVICE_FIELDS],
        )
        for name in _STATE:
            setattr(request, name, values[name])
        request.step_open_counter = values["step_open_counter"]
        requests.append(request)
    return requests


def lock_for_step(request_id: int, *, now: datetime, skip_locked: bool = False):
    """The request, locked, with its step state; None when it is gone or (with `skip_locked`)
    another transaction holds it."""
    found = _lock(
        "r.id = %(id)s",
        "r.id",
        {"id": request_id, "now": now, "limit_0": 1},
        skip_locked=skip_locked,
    )
    return found[0] if found else None


def lock_for_wake(request_id: int, *, now: datetime, others: int):
    """A wake-up's requests, in one round trip: the request, locked (waiting for whoever holds
    it), with its step state (None when gone), and up to `others` other due requests, soonest
    due first, claimed with SKIP LOCKED (never waited for: no lock-order concern)."""
    (found, due) = _lock_parts(
        [("r.id = %(id)s", "r.id", False), (_DUE + " AND r.id <> %(id)s", _DUE_ORDER, True)],
        {"id": request_id, "now": now, "limit_0": 1, "limit_1": others, "exclude": []},
    )
    return (found[0] if found else None), due


def lock_many(request_ids: list[int], *, now: datetime) -> list[BookingRequest]:
    """These requests, locked with SKIP LOCKED, with their step state."""
    return _lock(
        "r.id = ANY(%(ids)s)",
        "r.id",
        {"ids": list(request_ids), "now": now, "limit_0": len(request_ids)},
        skip_locked=True,
    )


_DUE = "r.next_dispatch_at <= %(now)s AND NOT (r.id = ANY(%(exclude)s))"
_DUE_ORDER = "r.next_dispatch_at"


def claim_due(*, now: datetime, limit: int, exclude=()) -> list[BookingRequest]:
    """Up to `limit` due requests, soonest due first, locked with SKIP LOCKED (another worker's
    batch or a pro answering keeps its own); `exclude`: ids this pass already failed on."""
    return _lock(
        _DUE, _DUE_ORDER, {"now": now, "limit_0": limit, "exclude": list(exclude)}, skip_locked=True
    )


def claim_stray_expiries(*, now: datetime, limit: int, exclude=()) -> list[BookingRequest]:
    """Belt and braces: requests with an expired open proposal whose due time does not say so
    (never the case when every writer keeps `next_dispatch_at`; cheap on the partial index)."""
    return _lock(
        "r.id IN (SELECT q.request_id FROM bookings_proposal q"
        " WHERE q.status = 'sent' AND q.expires_at <= %(now)s)"
        " AND NOT (r.id = ANY(%(exclude)s))",
        "r.id",
        {"now": now, "limit_0": limit, "exclude": list(exclude)},
        skip_locked=True,
    )


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
        Proposal(id=row["id"], request=request, pro_id=row["pro_id"], is_bonus=row["is_bonus"])
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
        user = User(
            id=candidate.user_id, email=candidate.user_email, language=candidate.user_language
        )
        user.has_push_devices = candidate.has_device  # read by notifications.services
        proposal = Proposal(
            request=request,
            pro=Pro(id=candidate.pro_id, user=user),
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
_PROPOSAL_FIELDS = [f for f in Proposal._meta.concrete_fields if not f.primary_key]

# One statement for a step's writes to its own tables: the new proposals (RETURNING their ids),
# the due proposals of the requests that stay open expired, every request's next due time and
# support flag. Safe without re-checking: the requests are locked, and every writer of a
# proposal locks its request first.
_WRITE_STEP = (
    """
WITH inserted AS (
    INSERT INTO bookings_proposal ("""
    + ", ".join(f'"{f.column}"' for f in _PROPOSAL_FIELDS)
    + """)
    SELECT * FROM unnest("""
    + ", ".join(f"%(p_{f.attname})s::{f.db_type(connection)}[]" for f in _PROPOSAL_FIELDS)
    + """)
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
)


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
    for f in _PROPOSAL_FIELDS:
        params[f"p_{f.attname}"] = [
            f.get_db_prep_save(f.pre_save(proposal, True), connection) for proposal in proposals
        ]
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
