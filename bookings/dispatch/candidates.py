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
    # The pro's user, so the engine tells them without reading it again.
    user_id: int = 0
    user_email: str = ""
    user_language: str = ""


# A pro (column given as {pro}) may receive this request's proposal now: offers the service,
# works then (Paris wall-clock), no day off, no booking within the travel buffer, not asked yet,
# not the customer themself. Each check is a per-row probe of a small index, evaluated only for
# the rows the zone-cell walk reaches. `OFFSET 0` keeps every EXISTS a sub-plan: pulled up
# into anti/semi-joins they would make the planner search join orders.
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
    AND {pro} <> (SELECT COALESCE(MAX(own.id), 0) FROM pros_pro own
                  JOIN customers_customer me ON me.user_id = own.user_id
                  WHERE me.id = %(customer)s)
    AND {pro} <> %(excluded_pro)s
"""

# The next row of the zone-cell index (cell, score DESC, distance_m, pro_id) WHERE dispatchable
# after `walk`'s row: the rest of its score group, else the first row of a lower score. Both are
# one index descent (ORDER BY the index, LIMIT 1), and the second runs only when the first
# finds nothing.
_NEXT_ON_INDEX = """(
    (SELECT zc.pro_id, zc.score, zc.distance_m FROM pros_zonecell zc
     WHERE zc.cell = %(cell)s AND zc.dispatchable AND zc.score = walk.score
       AND (zc.distance_m, zc.pro_id) > (walk.distance_m, walk.pro_id)
     ORDER BY zc.distance_m, zc.pro_id LIMIT 1)
    UNION ALL
    (SELECT zc.pro_id, zc.score, zc.distance_m FROM pros_zonecell zc
     WHERE zc.cell = %(cell)s AND zc.dispatchable AND zc.score < walk.score
     ORDER BY zc.score DESC, zc.distance_m, zc.pro_id LIMIT 1)
    LIMIT 1
)"""

# Whether the walk's row {z} is taken (not a favourite or past pro, who are ranked above, and
# eligible); evaluated only while the walk goes on.
_WALK_TAKES = (
    "NOT EXISTS (SELECT 1 FROM priority WHERE priority.pro_id = {z}.pro_id) AND "
    + _ELIGIBLE.format(pro="{z}.pro_id")
)

# The ranked query. `walk` follows the zone-cell index one row per step (a recursive CTE is
# evaluated only as far as it recurses), carrying how many rows it took and the (score,
# distance) of the limit-th: it stops at the first row past the limit that is not tied with
# it, so the early stop comes from the query's shape, never from the planner's estimates, and
# the work grows with the rows walked, not with the pros in the cell. The walk reads
# `zc.dispatchable`, the pro's DISPATCHABLE_SQL denormalised onto their cells.
_RANKED = (
    """
WITH RECURSIVE priority AS (
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
walk (pro_id, score, distance_m, taken, found, tie_score, tie_distance, stop) AS (
    SELECT first.pro_id, first.score, first.distance_m, took.taken, took.taken::int,
           CASE WHEN took.taken AND %(limit)s = 1 THEN first.score END,
           CASE WHEN took.taken AND %(limit)s = 1 THEN first.distance_m END,
           false
    FROM (SELECT zc.pro_id, zc.score, zc.distance_m FROM pros_zonecell zc
          WHERE zc.cell = %(cell)s AND zc.dispatchable
          ORDER BY zc.score DESC, zc.distance_m, zc.pro_id LIMIT 1) first
    CROSS JOIN LATERAL (SELECT """
    + _WALK_TAKES.format(z="first")
    + """ AS taken) took
  UNION ALL
    SELECT nxt.pro_id, nxt.score, nxt.distance_m, took.taken,
           walk.found + took.taken::int,
           CASE WHEN walk.tie_score IS NULL AND took.taken AND walk.found + 1 = %(limit)s
                THEN nxt.score ELSE walk.tie_score END,
           CASE WHEN walk.tie_score IS NULL AND took.taken AND walk.found + 1 = %(limit)s
                THEN nxt.distance_m ELSE walk.tie_distance END,
           past.stop
    FROM walk
    CROSS JOIN LATERAL """
    + _NEXT_ON_INDEX
    + """ nxt
    CROSS JOIN LATERAL (
        SELECT walk.found >= %(limit)s
               AND (nxt.score, nxt.distance_m) IS DISTINCT FROM (walk.tie_score, walk.tie_distance)
               AS stop
    ) past
    CROSS JOIN LATERAL (
        SELECT CASE WHEN past.stop THEN false ELSE """
    + _WALK_TAKES.format(z="nxt")
    + """ END AS taken
    ) took
    WHERE NOT walk.stop
),
walked AS (
    SELECT pro_id, %(rank_other)s AS rank, score, distance_m FROM walk WHERE taken
),
found AS (SELECT * FROM preferred UNION ALL SELECT * FROM walked)
SELECT found.pro_id, found.rank, found.score, found.distance_m,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = found.pro_id AND NOT r.is_bonus AND r.sent_at >= %(since)s) AS recent,
       u.id, u.email, u.language
FROM found
JOIN pros_pro pro ON pro.id = found.pro_id
JOIN core_user u ON u.id = pro.user_id
ORDER BY found.rank, found.score DESC, found.distance_m, recent, found.pro_id
LIMIT %(limit)s
"""
)

# The exclusive pro is read from pros_pro itself (their zone is ignored).
_EXCLUSIVE = (
    """
SELECT pro.id, %(rank_exclusive)s, pro.score, NULL,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = pro.id AND NOT r.is_bonus AND r.sent_at >= %(since)s),
       u.id, u.email, u.language
FROM pros_pro pro
JOIN core_user u ON u.id = pro.user_id
WHERE pro.id = %(exclusive)s AND """
    + DISPATCHABLE_SQL.format(t="pro")
    + """
  AND """
    + _ELIGIBLE.format(pro="pro.id")
)

# JIT compiles a plan once its estimated cost crosses jit_above_cost, which a recursive walk's
# estimate can: 20+ ms of compiling for a query that runs in 1-2. Off for this statement only:
# SET LOCAL travels in the same round trip (client-side binding sends one simple query, which
# PostgreSQL runs as one transaction) and ends with the transaction.
_JIT_OFF = "SET LOCAL jit = off;\n"


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


# What `candidates_for` needs to know of an exclusive request's pro: not asked yet.
NOT_ASKED = object()


def candidates_for(
    request: BookingRequest,
    *,
    limit: int,
    now: datetime | None = None,
    exclusive_status=None,
) -> list[Candidate]:
    """The next `limit` pros to ask, best first, in one indexed query.

    Exclusive request: its pro alone (zone ignored, must be free) until they answer; then
    everyone else if `fallback_to_others`, else nobody. Otherwise favourites, then pros who
    completed a session for this customer, then the zone-cell index walked in (score desc,
    distance) order and stopped after `limit` rows (plus ties, so the fairness tie-break -
    fewest proposals in the last 7 days - sees every pro tied at the boundary).
    `exclusive_status` (the exclusive pro's proposal status, or NOT_ASKED) spares the read of
    it when the caller has it already.
    """
    if limit <= 0:
        return []
    params = candidate_params(request, limit=limit, now=now)
    if params is None:
        return []
    if request.exclusive_pro_id:
        if exclusive_status is None:
            asked = (
                Proposal.objects.filter(request=request, pro_id=request.exclusive_pro_id)
                .values_list("status", flat=True)
                .first()
            )
            exclusive_status = NOT_ASKED if asked is None else asked
        if exclusive_status is NOT_ASKED:
            rows = _fetch(_EXCLUSIVE, {**params, "exclusive": request.exclusive_pro_id})
            if rows or not request.fallback_to_others:
                return rows
        elif exclusive_status == Proposal.Status.SENT or not request.fallback_to_others:
            return []
    return _fetch(_RANKED, params)


def _fetch(sql: str, params: dict) -> list[Candidate]:
    with connection.cursor() as cursor:
        cursor.execute(_JIT_OFF + sql, params)
        cursor.nextset()  # past the SET's empty result
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
