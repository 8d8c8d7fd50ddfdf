"""What a pro sees on the dashboard and their booking pages: open proposals, the sessions
they set up, the customers they served, and the timeline as the booking's pro may read it."""

from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery

from catalog.models import Service
from core import clock
from core.rows import dict_rows, instance, select_items
from customers.models import Address, Customer

from ..events import PRO_OWN_KINDS, PRO_VISIBLE_KINDS
from ..models import Booking, BookingRequest, Proposal

# What an open proposal's card (bookings/views.py) and the pro API's row (bookings/api/pro.py)
# show, and what decides whether it can be answered (bookings.rules.proposal_is_answerable):
# the poll reads these rows every few seconds, and converting the requests', services' and
# addresses' other columns was a third of its query's cost.
OPEN_CARD_FIELDS = {
    Proposal: ("pro", "request", "status", "is_bonus", "sent_at", "expires_at"),
    BookingRequest: (
        "status",
        "start",
        "end",
        "booking_deadline",
        "notes",
        "pro_net_cents",
        "service",
        "address",
    ),
    Service: ("name_fr", "name_en", "duration_minutes"),
    Address: ("postal_code", "city"),
}


def open_proposals_for(pro, *, now: datetime | None = None):
    """The pro's proposals that can still be answered, soonest expiry first (the columns their
    cards show: OPEN_CARD_FIELDS)."""
    now = now or clock.now()
    return (
        Proposal.objects.filter(pro=pro, status=Proposal.Status.SENT, expires_at__gt=now)
        .select_related("request__service", "request__address")
        .only(
            *OPEN_CARD_FIELDS[Proposal],
            *(f"request__{name}" for name in OPEN_CARD_FIELDS[BookingRequest]),
            *(f"request__service__{name}" for name in OPEN_CARD_FIELDS[Service]),
            *(f"request__address__{name}" for name in OPEN_CARD_FIELDS[Address]),
        )
        .order_by("expires_at", "id")
    )


# At most this many open proposal cards on the dashboard (soonest expiry first); the others
# are counted ("and 40 more"), so a poll costs the same with 5 or 50 open proposals.
DASHBOARD_MAX_CARDS = 10

_CARD_PARTS = [
    (Proposal, "p", ""),
    (BookingRequest, "r", "r__"),
    (Service, "s", "s__"),
    (Address, "a", "a__"),
]
_CARD_ITEMS = {
    model: select_items(model, alias, prefix, OPEN_CARD_FIELDS[model])
    for model, alias, prefix in _CARD_PARTS
}
# `open_proposals_for`'s first rows and their total, written once as SQL (core.rows): the
# dashboard polls it every few seconds and the pro app's list reads it, and compiling it with
# the ORM cost more than running it. Pinned equal to `open_proposals_for` by a test.
_OPEN_CARDS_SQL = (
    "SELECT "
    + ", ".join(item for items, _names in _CARD_ITEMS.values() for item in items)
    + """, count(*) OVER () AS open_total
FROM bookings_proposal p
JOIN bookings_bookingrequest r ON r.id = p.request_id
JOIN catalog_service s ON s.id = r.service_id
JOIN customers_address a ON a.id = r.address_id
WHERE p.pro_id = %(pro)s AND p.status = %(sent)s AND p.expires_at > %(now)s
ORDER BY p.expires_at, p.id
LIMIT %(limit)s"""
)


def open_proposals_capped(pro, *, now: datetime | None = None, limit: int = DASHBOARD_MAX_CARDS):
    """The first `limit` of `open_proposals_for` and how many more there are, in one query
    (the total is a window count over the same rows)."""
    params = {
        "pro": pro.pk,
        "sent": Proposal.Status.SENT,
        "now": now or clock.now(),
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_CARDS_SQL, params)
        rows = dict_rows(cursor)
    proposals = []
    for row in rows:
        proposal, request, service, address = (
            instance(model, _CARD_ITEMS[model][1], row, prefix)
            for model, _alias, prefix in _CARD_PARTS
        )
        request.service, request.address = service, address
        proposal.request = request
        proposal.pro = pro
        proposals.append(proposal)
    return proposals, (rows[0]["open_total"] - len(rows)) if rows else 0


def pro_proposals_by_ids(pro, ids):
    """The pro's own proposals among `ids` (ids of someone else's proposals are ignored)."""
    return (
        Proposal.objects.filter(pro=pro, pk__in=list(ids))
        .select_related("request__service", "request__address")
        .order_by("expires_at", "id")
    )


def pro_sessions_awaiting_customer(pro):
    """Sessions the pro set up that wait for the customer's confirmation."""
    return (
        BookingRequest.objects.filter(
            exclusive_pro=pro,
            origin=BookingRequest.Origin.PRO,
            status=BookingRequest.Status.AWAITING_CUSTOMER,
        )
        .select_related("service", "address", "customer__user")
        .order_by("start", "id")
    )


def past_customers_for(pro):
    """Customers the pro completed a session for (they may set up a new session for them),
    most recent first, each with `last_session_at` and `last_address_id` (the address of
    their latest completed session with this pro)."""
    latest = Booking.objects.filter(
        pro=pro, customer=OuterRef("pk"), status=Booking.Status.COMPLETED
    ).order_by("-start", "-id")
    return (
        Customer.objects.filter(Exists(latest))
        .annotate(
            last_session_at=Subquery(latest.values("start")[:1]),
            last_address_id=Subquery(latest.values("address_id")[:1]),
        )
        .select_related("user")
        .order_by("-last_session_at", "pk")
    )


def booking_timeline_for_pro(booking: Booking) -> list:
    """The request's timeline as the booking's pro may see it: the request's own steps and
    their own answers, not who else was asked (`bookings.events` says which kinds)."""
    return [
        event
        for event in booking.request.events.order_by("created_at", "id")
        if event.kind in PRO_VISIBLE_KINDS
        or (event.kind in PRO_OWN_KINDS and event.data.get("pro") == booking.pro_id)
    ]
