"""What a pro sees on the dashboard and their booking pages: open proposals, the sessions
they set up, the customers they served, and the timeline as the booking's pro may read it."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Subquery, Window

from core import clock
from customers.models import Customer

from ..events import PRO_OWN_KINDS, PRO_VISIBLE_KINDS
from ..models import Booking, BookingRequest, Proposal

# What an open proposal's card (bookings/views.py) and the pro API's row (bookings/api/pro.py)
# show, and what decides whether it can be answered (bookings.rules.proposal_is_answerable):
# the poll reads these rows every few seconds, and converting the requests', services' and
# addresses' other columns was a third of its query's cost.
OPEN_CARD_FIELDS = (
    "pro_id",
    "status",
    "is_bonus",
    "sent_at",
    "expires_at",
    "request__status",
    "request__start",
    "request__end",
    "request__booking_deadline",
    "request__notes",
    "request__pro_net_cents",
    "request__service__name_fr",
    "request__service__name_en",
    "request__service__duration_minutes",
    "request__address__postal_code",
    "request__address__city",
)


def open_proposals_for(pro, *, now: datetime | None = None):
    """The pro's proposals that can still be answered, soonest expiry first (the columns their
    cards show: OPEN_CARD_FIELDS)."""
    now = now or clock.now()
    return (
        Proposal.objects.filter(pro=pro, status=Proposal.Status.SENT, expires_at__gt=now)
        .select_related("request__service", "request__address")
        .only(*OPEN_CARD_FIELDS)
        .order_by("expires_at", "id")
    )


# At most this many open proposal cards on the dashboard (soonest expiry first); the others
# are counted ("and 40 more"), so a poll costs the same with 5 or 50 open proposals.
DASHBOARD_MAX_CARDS = 10


def open_proposals_capped(pro, *, now: datetime | None = None, limit: int = DASHBOARD_MAX_CARDS):
    """The first `limit` of `open_proposals_for` and how many more there are, in one query
    (the total is a window count over the same rows)."""
    rows = list(open_proposals_for(pro, now=now).annotate(open_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].open_total - len(rows)) if rows else 0


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
