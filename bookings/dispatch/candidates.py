"""Who may be asked: the candidate query (one indexed SQL statement), whether anybody covers
an address, and the pros support may send a bonus proposal to.

Who may work at all is the pros app's rule (`pros.models`: `Pro.objects.dispatchable()`, its
SQL twin `DISPATCHABLE_SQL`, and `ZoneCell.dispatchable`, kept equal to it by pros.services);
this module only uses it.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef

from core import clock
from pros.models import DISPATCHABLE_SQL, Pro, ZoneCell

from ..models import BookingRequest, Proposal
from ..rules import wall_clock_slot

FAIRNESS_WINDOW = timedelta(days=7)

# Ranks of the ordering: favourites, then past pros, then everybody else by the index.
RANK_EXCLUSIVE, RANK_FAVORITE, RANK_PAST, RANK_OTHER = -1, 0, 1, 2


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
    AND {pro} <> %(excluded_pro)s
"""

# The walk over the zone-cell index reads `zc.dispatchable`, the pro's DISPATCHABLE_SQL
# denormalised onto their cells (so the index can be partial on it).
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

# The exclusive pro is read from pros_pro itself (their zone is ignored).
_EXCLUSIVE = (
    """
SELECT pro.id, %(rank_exclusive)s, pro.score, NULL,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = pro.id AND NOT r.is_bonus AND r.sent_at >= %(since)s)
FROM pros_pro pro
WHERE pro.id = %(exclusive)s AND """
    + DISPATCHABLE_SQL.format(t="pro")
    + """
  AND """
    + _ELIGIBLE.format(pro="pro.id")
)


def _own_pro_id(request: BookingRequest) -> int:
    """A person who is both customer and pro is never sent their own request."""
    return (
        Pro.objects.filter(user_id=request.customer.user_id).values_list("pk", flat=True).first()
        or 0
    )


def candidate_params(request: BookingRequest, *, limit: int, now: datetime | None = None):
    """The query parameters for `request` (None when no working-hours row can cover it)."""
    slot = wall_clock_slot(start=request.start, end=request.end)
    if slot is None:
        return None
    return {
        **slot,
        "service": request.service_id,
        "request": request.pk,
        "customer": request.customer_id,
        "own_pro": _own_pro_id(request),
        # Sent again after a pro cancelled: never back to that pro.
        "excluded_pro": request.excluded_pro_id or 0,
        "cell": request.address.h3_cell,
        "limit": limit,
        "since": (now or clock.now()) - FAIRNESS_WINDOW,
        "rank_exclusive": RANK_EXCLUSIVE,
        "rank_favorite": RANK_FAVORITE,
        "rank_past": RANK_PAST,
        "rank_other": RANK_OTHER,
    }


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
    params = candidate_params(request, limit=limit, now=now)
    if params is None:
        return []
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
    return ZoneCell.objects.filter(cell=cell, dispatchable=True).exists()


def bonus_candidates_for(request: BookingRequest, *, limit: int = 40):
    """Pros support may send a bonus proposal to, nearest base first (within about 100 km of
    the address), who may work, not asked yet, never the customer themself. Annotated with
    `distance_km` (approximate, equirectangular) and `offers_service`."""
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
        Pro.objects.may_work()
        .filter(base_lat__range=(lat - 1, lat + 1), base_lng__range=(lng - 1.5, lng + 1.5))
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
