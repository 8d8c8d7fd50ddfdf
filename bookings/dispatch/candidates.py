"""Who may be asked: the candidate query (one indexed SQL statement), whether anybody covers
an address, and the pros support may send a bonus proposal to.

Who may work at all is the pros app's rule (`pros.models`: `Pro.objects.dispatchable()`, its
SQL twin `DISPATCHABLE_SQL`, and `ZoneCell.dispatchable`, kept equal to it by pros.services);
this module only uses it.
"""

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, connections
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

# The walk over the zone-cell index (cell, score DESC, distance_m, pro_id) WHERE dispatchable,
# in chunks: the `v_size` rows after the last one seen (the rest of its score group, then the
# lower scores; each part is an ORDER BY the index with a LIMIT, so an index range scan that
# reads at most `v_size` rows), each with whether it is taken: not a favourite or past pro
# (they are ranked above) and eligible. The walk reads `zc.dispatchable`, the pro's
# DISPATCHABLE_SQL denormalised onto their cells.
_CHUNK = (
    """
SELECT n.pro_id, n.score, n.distance_m,
       NOT (n.pro_id = ANY (v_priority)) AND """
    + _ELIGIBLE.format(pro="n.pro_id")
    + """ AS taken
FROM (
    (SELECT zc.pro_id, zc.score, zc.distance_m FROM pros_zonecell zc
     WHERE zc.cell = %(cell)s AND zc.dispatchable AND zc.score = v_score
       AND (zc.distance_m, zc.pro_id) > (v_distance, v_pro)
     ORDER BY zc.distance_m, zc.pro_id LIMIT v_size)
    UNION ALL
    (SELECT zc.pro_id, zc.score, zc.distance_m FROM pros_zonecell zc
     WHERE zc.cell = %(cell)s AND zc.dispatchable AND zc.score < v_score
     ORDER BY zc.score DESC, zc.distance_m, zc.pro_id LIMIT v_size)
) n
ORDER BY n.score DESC, n.distance_m, n.pro_id
LIMIT v_size
"""
)

# Favourites (rank 0) and past pros (rank 1) of the customer.
_PRIORITY = """
SELECT array_agg(pro_id), array_agg(rank) FROM (
    SELECT pro_id, MIN(rank) AS rank FROM (
        SELECT f.pro_id, %(rank_favorite)s AS rank FROM bookings_favorite f
        WHERE f.customer_id = %(customer)s
        UNION ALL
        SELECT DISTINCT b.pro_id, %(rank_past)s FROM bookings_booking b
        WHERE b.customer_id = %(customer)s AND b.status = 'completed'
    ) s GROUP BY pro_id
) priority
"""

# The ranked candidates: a PL/pgSQL loop walks the index chunk by chunk (8 rows, or 4 per
# candidate wanted, doubling up to 256) and stops at the first row past the limit that is not
# tied with the limit-th taken row on (score, distance). So the early stop is the code's, never
# the planner's choice, and the work grows with the rows walked, not with the pros in the cell.
# Then one query ranks the favourites and past pros who may take it, and the walked ones.
_RANKED = (
    """
DECLARE
    v_priority bigint[];
    v_priority_rank integer[];
    v_score smallint := 32767;  -- start above every score
    v_distance integer := 0;
    v_pro bigint := 0;
    v_size integer := greatest(8, 4 * %(limit)s);
    v_read integer;
    v_found integer := 0;
    v_tie_score smallint;
    v_tie_distance integer;
    v_done boolean := false;
    w_pro bigint[] := '{}';
    w_score smallint[] := '{}';
    w_distance integer[] := '{}';
    r record;
BEGIN
    """
    + _PRIORITY
    + """ INTO v_priority, v_priority_rank;
    v_priority := coalesce(v_priority, '{}');
    v_priority_rank := coalesce(v_priority_rank, '{}');
    WHILE NOT v_done LOOP
        v_read := 0;
        FOR r IN """
    + _CHUNK
    + """ LOOP
            v_read := v_read + 1;
            IF v_found >= %(limit)s
               AND (r.score, r.distance_m) IS DISTINCT FROM (v_tie_score, v_tie_distance) THEN
                v_done := true;  -- past the limit and its ties
                EXIT;
            END IF;
            IF r.taken THEN
                w_pro := w_pro || r.pro_id;
                w_score := w_score || r.score;
                w_distance := w_distance || r.distance_m;
                v_found := v_found + 1;
                IF v_found = %(limit)s THEN
                    v_tie_score := r.score;
                    v_tie_distance := r.distance_m;
                END IF;
            END IF;
            v_score := r.score;
            v_distance := r.distance_m;
            v_pro := r.pro_id;
        END LOOP;
        IF v_read < v_size THEN
            v_done := true;  -- the end of the cell's rows
        END IF;
        v_size := least(v_size * 2, 256);
    END LOOP;
    RETURN QUERY
    WITH preferred AS (
        SELECT zc.pro_id, p.rank, zc.score, zc.distance_m
        FROM unnest(v_priority, v_priority_rank) AS p(pro_id, rank)
        JOIN pros_zonecell zc
          ON zc.pro_id = p.pro_id AND zc.cell = %(cell)s AND zc.dispatchable
        WHERE """
    + _ELIGIBLE.format(pro="zc.pro_id")
    + """
    ),
    walked AS (
        SELECT w.pro_id, %(rank_other)s AS rank, w.score, w.distance_m
        FROM unnest(w_pro, w_score, w_distance) AS w(pro_id, score, distance_m)
    ),
    found AS (SELECT * FROM preferred UNION ALL SELECT * FROM walked)
    SELECT found.pro_id, found.rank::integer, found.score::integer, found.distance_m::integer,
           (SELECT count(*) FROM bookings_proposal q
            WHERE q.pro_id = found.pro_id AND NOT q.is_bonus AND q.sent_at >= %(since)s) AS recent,
           u.id, u.email::text, u.language::text
    FROM found
    JOIN pros_pro pro ON pro.id = found.pro_id
    JOIN core_user u ON u.id = pro.user_id
    ORDER BY found.rank, found.score DESC, found.distance_m, recent, found.pro_id
    LIMIT %(limit)s;
END
"""
)

# The function's parameters: the query's own, typed.
_PARAMETER_TYPES = {
    "service": "bigint",
    "weekday": "integer",
    "from_time": "time",
    "to_time": "time",
    "day": "date",
    "start": "timestamptz",
    "busy_end": "timestamptz",
    "request": "bigint",
    "customer": "bigint",
    "excluded_pro": "bigint",
    "cell": "bigint",
    "limit": "integer",
    "since": "timestamptz",
    "rank_favorite": "integer",
    "rank_past": "integer",
    "rank_other": "integer",
}


def _function_sql() -> tuple[str, str]:
    """(name, CREATE statement) of the function that runs `_RANKED`. The name carries a hash
    of its code, so code and database cannot disagree silently: changed SQL without a migrate
    is an error, not an old query."""
    body = re.sub(r"%\((\w+)\)s", r"p_\1", _RANKED)
    name = "bookings_candidates_" + hashlib.sha1(body.encode()).hexdigest()[:12]
    arguments = ", ".join(f"p_{key} {kind}" for key, kind in _PARAMETER_TYPES.items())
    create = f"""
CREATE OR REPLACE FUNCTION {name}({arguments})
RETURNS TABLE (pro_id bigint, rank integer, score integer, distance_m integer, recent bigint,
               user_id bigint, user_email text, user_language text)
LANGUAGE plpgsql STABLE
-- Its statements are planned once per session for any parameters (their plans do not depend
-- on them), and never JIT-compiled: compiling costs 20+ ms for work that takes 1-2.
SET plan_cache_mode = force_generic_plan
SET jit = off
AS $function$
#variable_conflict use_column
{body}
$function$"""
    return name, create


_FUNCTION, _CREATE_FUNCTION = _function_sql()
_CALL = f"SELECT * FROM {_FUNCTION}(" + ", ".join(f"%({key})s" for key in _PARAMETER_TYPES) + ")"


def install_candidate_function(using: str = "default", **kwargs) -> None:
    """(Re)create the candidate function from the SQL above; run after every migrate
    (BookingsConfig connects it to post_migrate)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_CREATE_FUNCTION)


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

# The exclusive query runs as plain SQL, JIT off for it alone: SET LOCAL travels in the same
# round trip (client-side binding sends one simple query, which PostgreSQL runs as one
# transaction) and ends with the transaction.
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
    with connection.cursor() as cursor:
        cursor.execute(_CALL, {key: params[key] for key in _PARAMETER_TYPES})
        return [Candidate(*row) for row in cursor.fetchall()]


# The function for many requests in one statement: one row of parameters per request.
_CALL_MANY = (
    "SELECT b.request_id, c.* FROM unnest(%(request_id)s::bigint[], "
    + ", ".join(f"%({key})s::{kind}[]" for key, kind in _PARAMETER_TYPES.items())
    + ") AS b(request_id, "
    + ", ".join(f'"{key}"' for key in _PARAMETER_TYPES)
    + f") CROSS JOIN LATERAL {_FUNCTION}("
    + ", ".join(f'b."{key}"' for key in _PARAMETER_TYPES)
    + ") c"
)


def candidates_for_many(wanted, *, now: datetime) -> dict[int, list[Candidate]]:
    """`candidates_for` for many requests, keyed by request id: `wanted` holds (request,
    limit, exclusive_status) triples. Exclusive requests are asked one by one; all the others
    in one statement (the same function, once per request, in one round trip)."""
    found: dict[int, list[Candidate]] = {}
    batch: dict[str, list] = {key: [] for key in ("request_id", *_PARAMETER_TYPES)}
    for request, limit, exclusive_status in wanted:
        if request.exclusive_pro_id:
            found[request.pk] = candidates_for(
                request, limit=limit, now=now, exclusive_status=exclusive_status
            )
            continue
        found[request.pk] = []
        params = candidate_params(request, limit=limit, now=now) if limit > 0 else None
        if params is not None:
            batch["request_id"].append(request.pk)
            for key in _PARAMETER_TYPES:
                batch[key].append(params[key])
    if batch["request_id"]:
        with connection.cursor() as cursor:
            cursor.execute(_CALL_MANY, batch)
            for request_id, *row in cursor.fetchall():
                found[request_id].append(Candidate(*row))
    return found


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
