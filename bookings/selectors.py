"""Every non-trivial read of the bookings app: the dispatch candidate query, the wave policy,
free slots, and the lists the API and the pro dashboard show."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch

from core import clock

from .models import Booking, BookingRequest, CounterOffer, Favorite, Proposal

SLOT_STEP = timedelta(minutes=30)
SLOTS_MAX_RANGE = timedelta(days=14)
FAIRNESS_WINDOW = timedelta(days=7)

# Ranks of the ordering: favourites, then past pros, then everybody else by the index.
RANK_EXCLUSIVE, RANK_FAVORITE, RANK_PAST, RANK_OTHER = -1, 0, 1, 2


# --- wave policy ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wave:
    size: int  # pros holding an open proposal at once
    answer_time: timedelta


def wave_for(*, start: datetime, now: datetime | None = None) -> Wave:
    """The policy row for this lead time (start - now), recomputed at every dispatch step."""
    lead = start - (now or clock.now())
    rows = settings.DISPATCH_WAVES
    for min_lead, size, answer_time in rows:
        if lead >= min_lead:
            return Wave(size=size, answer_time=answer_time)
    _min_lead, size, answer_time = rows[-1]
    return Wave(size=size, answer_time=answer_time)


# --- candidates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    pro_id: int
    rank: int
    score: int
    distance_m: int | None
    recent_proposals: int


# A pro (column given as {pro}) may receive this request's proposal now: offers the service,
# works then (Paris wall-clock), no day off, no booking within the travel buffer, not asked yet.
# Each check is a per-row probe of a small index, evaluated only for the rows the zone-cell
# index walk reaches. `OFFSET 0` keeps every EXISTS a sub-plan: pulled up into anti/semi-joins
# they would make the planner search join orders (planning went from ~8 ms to under 1 ms).
_ELIGIBLE = """
    EXISTS (SELECT 1 FROM pros_pro_services ps
            WHERE ps.pro_id = {pro} AND ps.service_id = %(service)s OFFSET 0)
    AND EXISTS (SELECT 1 FROM pros_workinghours wh
                WHERE wh.pro_id = {pro} AND wh.weekday = %(weekday)s
                  AND wh.start_time <= %(from_time)s AND wh.end_time >= %(to_time)s OFFSET 0)
    AND NOT EXISTS (SELECT 1 FROM pros_timeoff t
                    WHERE t.pro_id = {pro} AND t.start_date <= %(day)s AND t.end_date >= %(day)s
                    OFFSET 0)
    AND NOT EXISTS (SELECT 1 FROM bookings_booking b
                    WHERE b.pro_id = {pro} AND NOT (b.status = 'cancelled')
                      AND b.busy && tstzrange(%(start)s, %(busy_end)s, '[)') OFFSET 0)
    AND NOT EXISTS (SELECT 1 FROM bookings_proposal q
                    WHERE q.request_id = %(request)s AND q.pro_id = {pro} OFFSET 0)
    AND {pro} <> %(own_pro)s
"""

_RANKED = (
    """
WITH priority AS (
    SELECT pro_id, MIN(rank) AS rank FROM (
        SELECT f.pro_id, %(rank_favorite)s AS rank FROM bookings_favorite f
        WHERE f.customer_id = %(customer)s
        UNION ALL
        SELECT DISTINCT b.pro_id, %(rank_past)s FROM bookings_booking b
        WHERE b.customer_id = %(customer)s AND b.status = 'completed'
    ) s GROUP BY pro_id
),
preferred AS (
    SELECT zc.pro_id, p.rank, zc.score, zc.distance_m
    FROM priority p
    JOIN pros_zonecell zc ON zc.pro_id = p.pro_id AND zc.cell = %(cell)s AND zc.dispatchable
    WHERE """
    + _ELIGIBLE.format(pro="zc.pro_id")
    + """
),
walked AS (
    SELECT zc.pro_id, %(rank_other)s AS rank, zc.score, zc.distance_m
    FROM pros_zonecell zc
    WHERE zc.cell = %(cell)s AND zc.dispatchable
      AND zc.pro_id NOT IN (SELECT pro_id FROM priority)
      AND """
    + _ELIGIBLE.format(pro="zc.pro_id")
    + """
    ORDER BY zc.score DESC, zc.distance_m
    FETCH FIRST %(limit)s ROWS WITH TIES
),
found AS (SELECT * FROM preferred UNION ALL SELECT * FROM walked)
SELECT found.pro_id, found.rank, found.score, found.distance_m,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = found.pro_id AND NOT r.is_bonus AND r.sent_at >= %(since)s) AS recent
FROM found
ORDER BY found.rank, found.score DESC, found.distance_m, recent, found.pro_id
LIMIT %(limit)s
"""
)

_EXCLUSIVE = """
SELECT pro.id, %(rank_exclusive)s, pro.score, NULL,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = pro.id AND NOT r.is_bonus AND r.sent_at >= %(since)s)
FROM pros_pro pro
WHERE pro.id = %(exclusive)s AND pro.status = 'active' AND NOT pro.is_paused
  AND pro.id_verified_at IS NOT NULL AND pro.suspended_at IS NULL
  AND """ + _ELIGIBLE.format(pro="pro.id")


def _slot_params(*, start: datetime, end: datetime) -> dict | None:
    """Paris wall-clock parameters of a slot; None when it spans two Paris days (no
    working-hours row can cover it)."""
    local_start, local_end = clock.to_paris(start), clock.to_paris(end)
    if local_end.date() != local_start.date():
        return None
    return {
        "weekday": local_start.weekday(),
        "from_time": local_start.time(),
        "to_time": local_end.time(),
        "day": local_start.date(),
        "start": start,
        "busy_end": end + settings.DISPATCH_TRAVEL_BUFFER,
    }


def _own_pro_id(request: BookingRequest) -> int:
    """A person who is both customer and pro is never sent their own request."""
    from pros.models import Pro

    return (
        Pro.objects.filter(user_id=request.customer.user_id).values_list("pk", flat=True).first()
        or 0
    )


def candidates_for(
    request: BookingRequest, *, limit: int, now: datetime | None = None
) -> list[Candidate]:
    """The next `limit` pros to ask, best first, in one indexed query.

    Exclusive request: its pro alone (zone ignored, must be free) until they answer; then
    everyone else if `fallback_to_others`, else nobody. Otherwise favourites, then pros who
    completed a session for this customer, then the zone-cell index walked in (score desc,
    distance) order and stopped after `limit` rows (plus ties, so the fairness tie-break -
    fewest proposals in the last 7 days - sees every pro tied at the boundary).
    """
    if limit <= 0:
        return []
    slot = _slot_params(start=request.start, end=request.end)
    if slot is None:
        return []
    params = {
        **slot,
        "service": request.service_id,
        "request": request.pk,
        "customer": request.customer_id,
        "own_pro": _own_pro_id(request),
        "cell": request.address.h3_cell,
        "limit": limit,
        "since": (now or clock.now()) - FAIRNESS_WINDOW,
        "rank_exclusive": RANK_EXCLUSIVE,
        "rank_favorite": RANK_FAVORITE,
        "rank_past": RANK_PAST,
        "rank_other": RANK_OTHER,
    }
    if request.exclusive_pro_id:
        asked = Proposal.objects.filter(request=request, pro_id=request.exclusive_pro_id).first()
        if asked is None:
            rows = _fetch(_EXCLUSIVE, {**params, "exclusive": request.exclusive_pro_id})
            if rows or not request.fallback_to_others:
                return rows
        elif asked.status == Proposal.Status.SENT or not request.fallback_to_others:
            return []
    return _fetch(_RANKED, params)


def _fetch(sql: str, params: dict) -> list[Candidate]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Candidate(*row) for row in cursor.fetchall()]


def zone_has_pro(*, cell: int) -> bool:
    """Whether any dispatchable pro covers this h3 cell (the `no_pro_in_area` check)."""
    from pros.models import ZoneCell

    return ZoneCell.objects.filter(cell=cell, dispatchable=True).exists()


# --- a pro's agenda ---------------------------------------------------------------------------


def pro_busy_overlaps(*, pro, start: datetime, end: datetime, exclude_booking_id=None) -> bool:
    """Whether [start, end) plus the travel buffer overlaps one of the pro's live bookings."""
    buffer = settings.DISPATCH_TRAVEL_BUFFER
    queryset = Booking.objects.filter(pro=pro, busy__overlap=(start, end + buffer)).exclude(
        status=Booking.Status.CANCELLED
    )
    if exclude_booking_id:
        queryset = queryset.exclude(pk=exclude_booking_id)
    return queryset.exists()


def pro_works_at(*, pro, start: datetime, end: datetime) -> bool:
    """Working hours cover [start, end) (Paris wall-clock) and it is not a day off."""
    slot = _slot_params(start=start, end=end)
    if slot is None:
        return False
    covered = pro.working_hours.filter(
        weekday=slot["weekday"], start_time__lte=slot["from_time"], end_time__gte=slot["to_time"]
    ).exists()
    off = pro.time_off.filter(start_date__lte=slot["day"], end_date__gte=slot["day"]).exists()
    return covered and not off


def pro_is_free(*, pro, start: datetime, end: datetime, check_hours: bool = True) -> bool:
    if check_hours and not pro_works_at(pro=pro, start=start, end=end):
        return False
    return not pro_busy_overlaps(pro=pro, start=start, end=end)


def pro_free_slots(
    *, pro, service, start_from: datetime, until: datetime, now: datetime | None = None
) -> list[datetime]:
    """Start times every 30 minutes (Paris wall-clock, on the hour and half hour) at which
    `service` fits the pro's working hours, off days off, clear of bookings plus travel
    buffer, and at least BOOKING_MIN_LEAD from now. Three queries whatever the range."""
    now = now or clock.now()
    earliest = max(start_from, now + settings.BOOKING_MIN_LEAD)
    if until <= earliest:
        return []
    duration = timedelta(minutes=service.duration_minutes)
    buffer = settings.DISPATCH_TRAVEL_BUFFER
    first_day, last_day = clock.paris_date(earliest), clock.paris_date(until)
    hours_by_day: dict[int, list] = {}
    for row in pro.working_hours.all():
        hours_by_day.setdefault(row.weekday, []).append((row.start_time, row.end_time))
    days_off = list(pro.time_off.filter(start_date__lte=last_day, end_date__gte=first_day))
    busy = [
        (b.busy.lower, b.busy.upper)
        for b in Booking.objects.filter(
            pro=pro, busy__overlap=(earliest - duration - buffer, until + duration + buffer)
        )
        .exclude(status=Booking.Status.CANCELLED)
        .only("busy")
    ]
    slots: set[datetime] = set()
    day = first_day
    while day <= last_day:
        if not any(off.start_date <= day <= off.end_date for off in days_off):
            for block_start, block_end in hours_by_day.get(day.weekday(), []):
                for moment in _block_starts(day, block_start, block_end, duration):
                    if earliest <= moment <= until:
                        slot_busy_end = moment + duration + buffer
                        if not any(
                            lower < slot_busy_end and moment < upper for lower, upper in busy
                        ):
                            slots.add(moment)
        day += timedelta(days=1)
    # Sorted and deduplicated as UTC instants (two Paris datetimes compare by wall-clock,
    # fold ignored), then given back in Paris time.
    return [clock.to_paris(moment) for moment in sorted(slots)]


def _block_starts(day, block_start, block_end, duration: timedelta):
    """The real instants, every SLOT_STEP on the Paris half-hour grid, at which a session of
    `duration` starts at or after `block_start` and ends by `block_end`, both on `day` by the
    Paris wall clock (what `pro_works_at` checks). Steps in UTC, so the spring DST gap yields
    no nonexistent or duplicate start and the autumn repeated hour is offered twice."""
    # Widest real bounds of the wall-clock readings (a gap or a repeated hour gives two).
    opens = [clock.paris_datetime(day, block_start).replace(fold=fold) for fold in (0, 1)]
    closes = [clock.paris_datetime(day, block_end).replace(fold=fold) for fold in (0, 1)]
    first = min(o.astimezone(UTC) for o in opens)
    last_end = max(c.astimezone(UTC) for c in closes)
    # First start on the half-hour grid at or after the opening (Paris offsets are whole hours).
    minutes = block_start.hour * 60 + block_start.minute
    moment = first + timedelta(minutes=(-minutes) % 30)
    while moment + duration <= last_end:
        local_start, local_end = clock.to_paris(moment), clock.to_paris(moment + duration)
        if (
            local_start.date() == day == local_end.date()
            and local_start.time() >= block_start
            and local_end.time() <= block_end
        ):
            yield moment
        moment += SLOT_STEP


# --- lists ------------------------------------------------------------------------------------


def _booking_with_pro():
    return Booking.objects.select_related("pro__user", "service", "address")


def booking_requests_for_customer(*, customer):
    open_counters = CounterOffer.objects.filter(status=CounterOffer.Status.OPEN).select_related(
        "pro__user"
    )
    return (
        BookingRequest.objects.filter(customer=customer)
        .select_related("service", "booking__pro__user", "exclusive_pro__user")
        .prefetch_related(
            Prefetch("counter_offers", queryset=open_counters, to_attr="open_counter_offers")
        )
        .order_by("-created_at", "-id")
    )


def bookings_for_customer(*, customer):
    return _booking_with_pro().filter(customer=customer).order_by("-start", "-id")


def past_pros_for(*, customer):
    """Pros who completed a session for this customer, most recent first, with whether each
    is a favourite."""
    from django.db.models import Count, Max

    from pros.models import Pro

    return (
        Pro.objects.filter(bookings__customer=customer, bookings__status=Booking.Status.COMPLETED)
        .annotate(
            last_session_at=Max("bookings__start"),
            sessions=Count("bookings"),
            is_favorite=Exists(Favorite.objects.filter(customer=customer, pro=OuterRef("pk"))),
        )
        .select_related("user")
        .order_by("-last_session_at", "pk")
    )


def pro_served_customer(*, pro, customer) -> bool:
    return Booking.objects.filter(
        pro=pro, customer=customer, status=Booking.Status.COMPLETED
    ).exists()


def favorites_for(*, customer):
    return (
        Favorite.objects.filter(customer=customer)
        .select_related("pro__user")
        .order_by("-created_at", "-id")
    )


def open_proposals_for(pro, *, now: datetime | None = None):
    """The pro's proposals that can still be answered, soonest expiry first."""
    now = now or clock.now()
    return (
        Proposal.objects.filter(pro=pro, status=Proposal.Status.SENT, expires_at__gt=now)
        .select_related("request__service", "request__address")
        .order_by("expires_at", "id")
    )


def agenda_for(
    pro,
    *,
    start_from: datetime | None = None,
    until: datetime | None = None,
    include_past: bool = False,
):
    """The pro's live bookings (confirmed and completed), in start order."""
    queryset = Booking.objects.filter(pro=pro).exclude(status=Booking.Status.CANCELLED)
    if start_from is not None:
        queryset = queryset.filter(end__gt=start_from)
    elif not include_past:
        queryset = queryset.filter(end__gt=clock.now())
    if until is not None:
        queryset = queryset.filter(start__lt=until)
    return queryset.select_related("service", "address", "customer__user").order_by("start", "id")


def bookings_for_pro(pro):
    return (
        Booking.objects.filter(pro=pro)
        .select_related("service", "address", "customer__user")
        .order_by("-start", "-id")
    )


def flagged_requests(*, now: datetime | None = None):
    """Support's queue: open requests that ran out of candidates, soonest start first."""
    return (
        BookingRequest.objects.filter(
            flagged_at__isnull=False, status__in=BookingRequest.OPEN_STATUSES
        )
        .select_related("customer__user", "service", "address")
        .order_by("start", "id")
    )


def timeline_for(request: BookingRequest):
    return request.events.select_related("actor").order_by("created_at", "id")


def due_request_ids(*, now: datetime, limit: int) -> list[int]:
    """Requests the engine must look at: their due time passed, or (belt and braces) one of
    their proposals expired without the due time saying so."""
    due = list(
        BookingRequest.objects.filter(next_dispatch_at__lte=now)
        .order_by("next_dispatch_at")
        .values_list("pk", flat=True)[:limit]
    )
    expired = Proposal.objects.filter(status=Proposal.Status.SENT, expires_at__lte=now).exclude(
        request_id__in=due
    )
    due += list(
        expired.order_by("expires_at")
        .values_list("request_id", flat=True)
        .distinct()[: max(0, limit - len(due))]
    )
    return list(dict.fromkeys(due))


def open_counter_offers(request: BookingRequest):
    return request.counter_offers.filter(status=CounterOffer.Status.OPEN)


# --- pro web UI and support admin (h4) ----------------------------------------------------------
# Reads the dashboard, agenda, new-session page and the support admin need; the rules above
# are used as they are.


def pro_proposals_by_ids(pro, ids):
    """The pro's own proposals among `ids` (ids of someone else's proposals are ignored)."""
    return (
        Proposal.objects.filter(pro=pro, pk__in=list(ids))
        .select_related("request__service", "request__address")
        .order_by("expires_at", "id")
    )


def past_bookings_for_pro(pro, *, now: datetime | None = None, limit: int = 60):
    """The pro's sessions that ended (any status), most recent first."""
    return bookings_for_pro(pro).filter(end__lte=now or clock.now())[:limit]


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
    from django.db.models import Subquery

    from customers.models import Customer

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


# Timeline kinds a pro may see on their booking page (never other pros' answers).
_PRO_VISIBLE_KINDS = {
    "request_created",
    "session_proposed",
    "booking_confirmed",
    "booking_cancelled",
    "booking_completed",
}
_PRO_OWN_KINDS = {"proposal_sent", "proposal_accepted", "counter_offer_accepted"}


def booking_timeline_for_pro(booking: Booking) -> list:
    """The request's timeline as the booking's pro may see it: the request's own steps and
    their own answers, not who else was asked."""
    return [
        event
        for event in booking.request.events.order_by("created_at", "id")
        if event.kind in _PRO_VISIBLE_KINDS
        or (event.kind in _PRO_OWN_KINDS and event.data.get("pro") == booking.pro_id)
    ]


def bonus_candidates_for(request: BookingRequest, *, limit: int = 40):
    """Pros support may send a bonus proposal to, nearest base first (within about 100 km of
    the address), not suspended, not asked yet, never the customer themself. Annotated with
    `distance_km` (approximate, equirectangular) and `offers_service`."""
    import math

    from django.db.models import ExpressionWrapper, F, FloatField

    from pros.models import Pro

    lat, lng = float(request.address.lat), float(request.address.lng)
    cos_lat = math.cos(math.radians(lat))
    squared = ExpressionWrapper(
        (F("base_lat") - lat) * (F("base_lat") - lat)
        + (F("base_lng") - lng) * (F("base_lng") - lng) * (cos_lat * cos_lat),
        output_field=FloatField(),
    )
    asked = Proposal.objects.filter(request=request, pro=OuterRef("pk"))
    offers = Pro.services.through.objects.filter(pro=OuterRef("pk"), service=request.service_id)
    pros = (
        Pro.objects.filter(
            suspended_at__isnull=True,
            base_lat__range=(lat - 1, lat + 1),
            base_lng__range=(lng - 1.5, lng + 1.5),
        )
        .exclude(user_id=request.customer.user_id)
        .exclude(Exists(asked))
        .annotate(squared=squared, offers_service=Exists(offers))
        .select_related("user")
        .order_by("squared", "pk")[:limit]
    )
    result = []
    for pro in pros:
        pro.distance_km = round(math.sqrt(float(pro.squared)) * 111.2, 1)
        result.append(pro)
    return result
