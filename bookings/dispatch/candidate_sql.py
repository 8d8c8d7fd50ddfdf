"""The candidate query's SQL: who may be asked (`ELIGIBLE`), the bounded walk over the zone-cell
index in a PL/pgSQL function (installed after every migrate), the calls for one request and
for many in one statement, and the exclusive pro's query. The Python side (parameters,
exclusive requests, results) is `candidates.py`.

Who may work at all is the pros app's rule (`pros.models.DISPATCHABLE_SQL`, denormalised onto
the zone cells as `ZoneCell.dispatchable`); this module only uses it.
"""

import hashlib
import re

from django.db import connections

from pros.models import DISPATCHABLE_SQL

# A pro (column given as {pro}) may receive this request's proposal now: not the customer
# themself nor the pro excluded (plain comparisons, first), offers the service, works then
# (Paris wall-clock), no day off, no booking within the travel buffer, not asked yet. Each
# check is a per-row probe of a small index, evaluated (left to right, stopping at the first
# failure) only for the rows the zone-cell walk reaches. `OFFSET 0` keeps every EXISTS a
# sub-plan: pulled up into anti/semi-joins they would make the planner search join orders.
# {own}: the customer's own pro id (a variable in the function, a sub-query elsewhere).
_NOT_EXCLUDED = """
    {pro} <> {own}
    AND {pro} <> %(excluded_pro)s"""
_OFFERS = """
    AND EXISTS (SELECT 1 FROM pros_pro_services ps
                WHERE ps.pro_id = {pro} AND ps.service_id = %(service)s OFFSET 0)"""
_WORKS = """
    AND EXISTS (SELECT 1 FROM pros_workinghours wh
                WHERE wh.pro_id = {pro} AND wh.weekday = %(weekday)s
                  AND wh.start_time <= %(from_time)s AND wh.end_time >= %(to_time)s OFFSET 0)"""
_NOT_BOOKED = """
    AND NOT EXISTS (SELECT 1 FROM bookings_booking b
                    WHERE b.pro_id = {pro} AND NOT (b.status = 'cancelled')
                      AND b.busy && tstzrange(%(start)s, %(busy_end)s, '[)') OFFSET 0)"""
_NOT_OFF_NOR_ASKED = """
    AND NOT EXISTS (SELECT 1 FROM pros_timeoff t
                    WHERE t.pro_id = {pro} AND t.start_date <= %(day)s AND t.end_date >= %(day)s
                    OFFSET 0)
    AND NOT EXISTS (SELECT 1 FROM bookings_proposal q
                    WHERE q.request_id = %(request)s AND q.pro_id = {pro} OFFSET 0)
"""
_FREE = _WORKS + _NOT_BOOKED + _NOT_OFF_NOR_ASKED
_ELIGIBLE = _NOT_EXCLUDED + _OFFERS + _FREE
_OWN_PRO = """(SELECT COALESCE(MAX(own.id), 0) FROM pros_pro own
                  JOIN customers_customer me ON me.user_id = own.user_id
                  WHERE me.id = %(customer)s)"""
# Plain SQL (the exclusive pro's query): `.format(pro=...)`.
ELIGIBLE = _ELIGIBLE.replace("{own}", _OWN_PRO)
# In the function: the own pro id is read once into `v_own`.
_ELIGIBLE_IN_FUNCTION = _ELIGIBLE.replace("{own}", "v_own")
# In the walk, whether the pro offers the service is the index scan's filter (below), and the
# bookings are probed only for a slot outside the window the zone cell's `booked` is complete
# for (bookings 0008): inside it, the scan's filter has decided already.
_NOT_BOOKED_IN_WALK = (
    """
    AND (%(start)s >= {cell}.booked_from AND %(busy_end)s <= {cell}.booked_until"""
    + _NOT_BOOKED.replace("AND NOT EXISTS", "OR NOT EXISTS", 1)
    + ")"
)
_ELIGIBLE_IN_WALK = (_NOT_EXCLUDED + _WORKS + _NOT_BOOKED_IN_WALK + _NOT_OFF_NOR_ASKED).replace(
    "{own}", "v_own"
)

# The walk's filters on the zone cell itself (columns kept by triggers): the pro offers the
# service (exactly), their working hours, merged into seconds of the week, contain the slot
# (pros 0009: a superset of "one working-hours row covers it", which `_FREE` still checks row
# by row), and none of their coming busy periods overlaps it (bookings 0008: a subset of their
# bookings, complete inside its window; outside it `_NOT_BOOKED_IN_WALK` probes the rows).
# Evaluated inside the index scan on the index's own columns: pros who fail them are never
# probed one by one.
_WALK_FILTER = (
    "%(service)s = ANY (zc.offered_services) AND zc.week_hours @> v_slot"
    " AND NOT (zc.booked && v_busy)"
)

# Whether the pro's user has a device to push to (the engine then skips the device query
# after its commit: notifications.services reads `has_push_devices`).
_HAS_DEVICE = "EXISTS (SELECT 1 FROM notifications_pushsubscription d WHERE d.user_id = u.id)"

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
    + _ELIGIBLE_IN_WALK.format(pro="n.pro_id", cell="n")
    + """ AS taken
FROM (
    (SELECT zc.pro_id, zc.score, zc.distance_m, zc.booked_from, zc.booked_until
     FROM pros_zonecell zc
     WHERE zc.cell = %(cell)s AND zc.dispatchable AND zc.score = v_score
       AND (zc.distance_m, zc.pro_id) > (v_distance, v_pro) AND """
    + _WALK_FILTER
    + """
     ORDER BY zc.distance_m, zc.pro_id LIMIT v_size)
    UNION ALL
    (SELECT zc.pro_id, zc.score, zc.distance_m, zc.booked_from, zc.booked_until
     FROM pros_zonecell zc
     WHERE zc.cell = %(cell)s AND zc.dispatchable AND zc.score < v_score AND """
    + _WALK_FILTER
    + """
     ORDER BY zc.score DESC, zc.distance_m, zc.pro_id LIMIT v_size)
) n
ORDER BY n.score DESC, n.distance_m, n.pro_id
LIMIT v_size
"""
)

# Favourites (rank 0) and past pros (rank 1) of the customer, and the customer's own pro id
# (they are never asked), in one statement.
_PRIORITY = (
    """
SELECT array_agg(pro_id), array_agg(rank), """
    + _OWN_PRO
    + """ FROM (
    SELECT pro_id, MIN(rank) AS rank FROM (
        SELECT f.pro_id, %(rank_favorite)s AS rank FROM bookings_favorite f
        WHERE f.customer_id = %(customer)s
        UNION ALL
        SELECT DISTINCT b.pro_id, %(rank_past)s FROM bookings_booking b
        WHERE b.customer_id = %(customer)s AND b.status = 'completed'
    ) s GROUP BY pro_id
) priority
"""
)

# The ranked candidates: a PL/pgSQL loop walks the index chunk by chunk (the number wanted + 2:
# when everybody is eligible one chunk is enough, and PL/pgSQL fetches a query's rows 10 at a
# time, each row's eligibility computed as it is fetched, so a bigger first chunk computes
# rows nobody reads; then doubling up to 256) and stops at the first row past the limit that is not
# tied with the limit-th taken row on (score, distance). So the early stop is the code's, never
# the planner's choice, and the work grows with the rows walked, not with the pros in the cell.
# Then one query ranks the favourites and past pros who may take it, and the walked ones.
RANKED = (
    """
DECLARE
    v_priority bigint[];
    v_priority_rank integer[];
    v_score smallint := 32767;  -- start above every score
    v_distance integer := 0;
    v_pro bigint := 0;
    v_own bigint;
    -- The slot in seconds of the week, by the rule of the pros' `week_hours` (pros 0009).
    v_slot int4range := pros_week_range(%(weekday)s, %(from_time)s, %(to_time)s);
    -- The time the pro would be taken, as the bookings' `busy` (bookings 0008).
    v_busy tstzrange := tstzrange(%(start)s, %(busy_end)s, '[)');
    v_size integer := %(limit)s + 2;
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
    + """ INTO v_priority, v_priority_rank, v_own;
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
    + _ELIGIBLE_IN_FUNCTION.format(pro="zc.pro_id")
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
           u.id, u.email::text, u.language::text, """
    + _HAS_DEVICE
    + """
    FROM found
    JOIN pros_pro pro ON pro.id = found.pro_id
    JOIN core_user u ON u.id = pro.user_id
    ORDER BY found.rank, found.score DESC, found.distance_m, recent, found.pro_id
    LIMIT %(limit)s;
END
"""
)

# The function's parameters: the query's own, typed.
PARAMETER_TYPES = {
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
    """(name, CREATE statement) of the function that runs `RANKED`. The name carries a hash
    of its code, so code and database cannot disagree silently: changed SQL without a migrate
    is an error, not an old query."""
    body = re.sub(r"%\((\w+)\)s", r"p_\1", RANKED)
    name = "bookings_candidates_" + hashlib.sha1(body.encode()).hexdigest()[:12]
    arguments = ", ".join(f"p_{key} {kind}" for key, kind in PARAMETER_TYPES.items())
    create = f"""
CREATE OR REPLACE FUNCTION {name}({arguments})
RETURNS TABLE (pro_id bigint, rank integer, score integer, distance_m integer, recent bigint,
               user_id bigint, user_email text, user_language text, has_device boolean)
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


FUNCTION, CREATE_FUNCTION = _function_sql()
CALL = f"SELECT * FROM {FUNCTION}(" + ", ".join(f"%({key})s" for key in PARAMETER_TYPES) + ")"


def install_candidate_function(using: str = "default", **kwargs) -> None:
    """(Re)create the candidate function from the SQL above; run after every migrate
    (BookingsConfig connects it to post_migrate)."""
    with connections[using].cursor() as cursor:
        cursor.execute(CREATE_FUNCTION)


# The exclusive pro is read from pros_pro itself (their zone is ignored).
EXCLUSIVE = (
    """
SELECT pro.id, %(rank_exclusive)s, pro.score, NULL,
       (SELECT count(*) FROM bookings_proposal r
        WHERE r.pro_id = pro.id AND NOT r.is_bonus AND r.sent_at >= %(since)s),
       u.id, u.email, u.language, """
    + _HAS_DEVICE
    + """
FROM pros_pro pro
JOIN core_user u ON u.id = pro.user_id
WHERE pro.id = %(exclusive)s AND """
    + DISPATCHABLE_SQL.format(t="pro")
    + """
  AND """
    + ELIGIBLE.format(pro="pro.id")
)

# The exclusive query runs as plain SQL, JIT off for it alone: SET LOCAL travels in the same
# round trip (client-side binding sends one simple query, which PostgreSQL runs as one
# transaction) and ends with the transaction.
JIT_OFF = "SET LOCAL jit = off;\n"


# The function for many requests in one statement: one JSON object of parameters per request,
# unpacked and typed by PostgreSQL (a sweep batch is hundreds of requests: one array per
# parameter cost more to encode in Python than the function took to run).
CALL_MANY = (
    "SELECT b.request_id, c.* FROM jsonb_to_recordset(%(batch)s::jsonb) AS b(request_id bigint, "
    + ", ".join(f'"{key}" {kind}' for key, kind in PARAMETER_TYPES.items())
    + f") CROSS JOIN LATERAL {FUNCTION}("
    + ", ".join(f'b."{key}"' for key in PARAMETER_TYPES)
    + ") c"
)
