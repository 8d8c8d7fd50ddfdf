"""A step's locking reads: the requests (their own rows locked), with their address, service
and what the step reads of their proposals and counter-offers, in one statement written once
(not compiled by the ORM at every step). One request (a wake-up), many (a sweep batch's
wake-up), or claimed: the due requests, soonest first, SKIP LOCKED. The first read of a step
also sets its transaction's `synchronous_commit = off` (see `steps`)."""

from datetime import datetime

from django.db import connection

from catalog.models import Service
from core.rows import dict_rows, instance, select_items
from customers.models import Address

from ..models import BookingRequest

# --- the locking read ---------------------------------------------------------------------------


_REQUEST_COLUMNS, _REQUEST_FIELDS = select_items(BookingRequest, "r")
_ADDRESS_COLUMNS, _ADDRESS_FIELDS = select_items(Address, "a", "address__")
_SERVICE_COLUMNS, _SERVICE_FIELDS = select_items(Service, "s", "service__")

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
    for values in dict_rows(cursor):
        request = instance(BookingRequest, _REQUEST_FIELDS, values)
        request.address = instance(Address, _ADDRESS_FIELDS, values, "address__")
        request.service = instance(Service, _SERVICE_FIELDS, values, "service__")
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


# The stray expiries' claim locks in a statement of its own: it selects requests by their
# proposals' rows, and when a request it locks was changed by a transaction that committed after
# the statement's snapshot (a wake-up stepping it), PostgreSQL re-checks only the request row's
# own conditions; the step state read in that same statement would be the one before that
# wake-up. Read by `_lock` in the next statement, it is the one the lock now protects.
_LOCK_STRAY = """
SELECT r.id FROM "bookings_bookingrequest" r
WHERE r.id IN (SELECT q.request_id FROM bookings_proposal q
               WHERE q.status = 'sent' AND q.expires_at <= %(now)s)
  AND NOT (r.id = ANY(%(exclude)s))
ORDER BY r.id
LIMIT %(limit)s
FOR UPDATE OF r SKIP LOCKED"""


def claim_stray_expiries(*, now: datetime, limit: int, exclude=()) -> list[BookingRequest]:
    """Belt and braces: requests with an expired open proposal whose due time does not say so
    (never the case when every writer keeps `next_dispatch_at`; cheap on the partial index).
    Locked first, then read with their step state (`_LOCK_STRAY` says why): the caller steps
    only those still due (`only_if_due`)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_STRAY, {"now": now, "limit": limit, "exclude": list(exclude)})
        ids = [request_id for (request_id,) in cursor.fetchall()]
    if not ids:
        return []
    return _lock(
        "r.id = ANY(%(ids)s)",
        "r.id",
        {"ids": ids, "now": now, "limit_0": len(ids)},
        skip_locked=False,
    )
