"""The score's one formula, in SQL, for any set of (pro, moment) points: one pro after an
event, every pro at night (in chunks), one pro's last 12 weeks for the chart, one pro's
breakdown for the explanation. Python never recomputes it: what the page explains is what the
dispatch index holds.

Per point, over the events of (moment - SCORE_WINDOW_DAYS, moment] that weigh:
  responsiveness = (prior * 50 + sum of answer points) / (prior + proposals answered or expired)
                   an answer earns 100 at once, down to SCORE_LAST_MOMENT_ANSWER_CREDIT at the
                   end of the time given (linear in how much of it was used); an expiry earns 0
  reliability    = (prior * 50 + 100 * honoured) / (prior + honoured + late_weight * late)
  rating         = stars averaged with SCORE_RATING_PRIOR_REVIEWS reviews of
                   SCORE_RATING_PRIOR_STARS, mapped so that the prior is 50, 5 stars 100, 1 star 0
  loyalty        = 50 + 50 * n / (n + SCORE_LOYALTY_HALF), n = rebookings + favourites: it
                   only adds (a customer who books outside brings no credit, costs nothing)
  Every component is 50 (neutral) with no event of its kind.
  score          = the weighted mean (SCORE_WEIGHTS, percent), rounded, 0-100; the neutral
                   PRO_DEFAULT_SCORE while the point has fewer than SCORE_MIN_EVENTS events.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from core import clock

# The aggregates and components of each point; `{points}` is a query giving (pro_id, as_of).
SCORED_SQL = """
agg AS (
    SELECT pt.pro_id, pt.as_of,
        count(e.id) FILTER (WHERE e.weighs AND e.kind IN ('answered', 'expired')) AS proposals,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'answered') AS answered,
        coalesce(sum(
            100.0::float8 - (100 - %(last_moment_credit)s)
                    * LEAST(1.0::float8, GREATEST(0, e.value)::float8 / GREATEST(e.allowed, 1))
        ) FILTER (WHERE e.weighs AND e.kind = 'answered'), 0) AS answer_points,
        avg(GREATEST(0, e.value)) FILTER (WHERE e.weighs AND e.kind = 'answered')
            AS answer_seconds,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'expired') AS expired,
        -- kept for the explanation, never weighs
        count(e.id) FILTER (WHERE e.kind = 'refused') AS refused,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'honoured') AS honoured,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'late_cancel') AS late_cancels,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'rating') AS ratings,
        coalesce(sum(e.value) FILTER (WHERE e.weighs AND e.kind = 'rating'), 0) AS stars,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'rebooked') AS rebooked,
        count(e.id) FILTER (WHERE e.weighs AND e.kind = 'favourite') AS favourites
    FROM ({points}) pt
    LEFT JOIN pros_scoreevent e
        ON e.pro_id = pt.pro_id AND e.at > pt.as_of - %(window)s AND e.at <= pt.as_of
    GROUP BY pt.pro_id, pt.as_of
),
components AS (
    SELECT agg.*,
        (%(prior)s * 50.0 + answer_points) / NULLIF(%(prior)s + proposals, 0) AS responsiveness,
        (%(prior)s * 50.0 + 100.0 * honoured)
            / NULLIF(%(prior)s + honoured + %(late_weight)s * late_cancels, 0) AS reliability,
        (%(rating_prior_reviews)s * %(rating_prior_stars)s + stars)
            / NULLIF(%(rating_prior_reviews)s + ratings, 0) AS rating_stars,
        50.0 + 50.0 * (rebooked + favourites)
            / (rebooked + favourites + %(loyalty_half)s) AS loyalty,
        proposals + honoured + late_cancels + ratings + rebooked + favourites AS events
    FROM agg
),
mapped AS (
    SELECT components.*,
        coalesce(responsiveness, 50.0) AS responsiveness_c,
        coalesce(reliability, 50.0) AS reliability_c,
        CASE WHEN rating_stars IS NULL THEN 50.0
             WHEN rating_stars >= %(rating_prior_stars)s
             THEN 50.0 + 50.0 * (rating_stars - %(rating_prior_stars)s)
                              / (5 - %(rating_prior_stars)s)
             ELSE 50.0 * (rating_stars - 1) / (%(rating_prior_stars)s - 1)
        END AS rating_c
    FROM components
),
scored AS (
    SELECT mapped.*,
        CASE WHEN events < %(min_events)s THEN %(neutral)s
             ELSE LEAST(100, GREATEST(0, round(
                 (%(w_responsiveness)s * responsiveness_c + %(w_reliability)s * reliability_c
                  + %(w_rating)s * rating_c + %(w_loyalty)s * loyalty) / 100.0
             )))::int
        END AS score
    FROM mapped
)
"""

# Store the points' scores on the pros whose score changed, and on those pros' zone cells (the
# dispatch index): one statement; unchanged pros and cells are not written.
_RECOMPUTE = (
    "WITH "
    + SCORED_SQL
    + """,
changed AS (
    UPDATE pros_pro p SET score = scored.score
    FROM scored
    WHERE p.id = scored.pro_id AND p.score <> scored.score
    RETURNING p.id, p.score
),
cells AS (
    UPDATE pros_zonecell zc SET score = changed.score
    FROM changed
    WHERE zc.pro_id = changed.id AND zc.score <> changed.score
    RETURNING 1
)
SELECT (SELECT count(*) FROM scored), (SELECT count(*) FROM changed), (SELECT count(*) FROM cells)
"""
)

_POINTS_OF_PROS = "SELECT unnest(%(pros)s::bigint[]) AS pro_id, %(as_of)s::timestamptz AS as_of"
_POINTS_OF_RANGE = (
    "SELECT id AS pro_id, %(as_of)s::timestamptz AS as_of FROM pros_pro"
    " WHERE id > %(after)s AND id <= %(until)s"
)
_POINTS_OF_MOMENTS = (
    "SELECT %(pro)s::bigint AS pro_id, m AS as_of FROM unnest(%(moments)s::timestamptz[]) m"
)


def formula_params(**extra) -> dict:
    weights = settings.SCORE_WEIGHTS
    return {
        "window": timedelta(days=settings.SCORE_WINDOW_DAYS),
        "last_moment_credit": settings.SCORE_LAST_MOMENT_ANSWER_CREDIT,
        "prior": settings.SCORE_PRIOR_EVENTS,
        "late_weight": settings.SCORE_LATE_CANCEL_WEIGHT,
        "rating_prior_stars": settings.SCORE_RATING_PRIOR_STARS,
        "rating_prior_reviews": settings.SCORE_RATING_PRIOR_REVIEWS,
        "loyalty_half": settings.SCORE_LOYALTY_HALF,
        "min_events": settings.SCORE_MIN_EVENTS,
        "neutral": settings.PRO_DEFAULT_SCORE,
        "w_responsiveness": weights["responsiveness"],
        "w_reliability": weights["reliability"],
        "w_rating": weights["rating"],
        "w_loyalty": weights["loyalty"],
        **extra,
    }


@dataclass(frozen=True)
class Recomputed:
    pros: int  # pros scored
    changed: int  # whose score changed (written)
    cells: int  # zone cells written


def _run(points_sql: str, params: dict) -> Recomputed:
    with connection.cursor() as cursor:
        cursor.execute(_RECOMPUTE.format(points=points_sql), formula_params(**params))
        return Recomputed(*cursor.fetchone())


def score_recompute(*, pro_ids, now: datetime | None = None) -> Recomputed:
    """The score of these pros now, stored with their zone cells (one statement)."""
    ids = sorted({int(pk) for pk in pro_ids})
    if not ids:
        return Recomputed(0, 0, 0)
    return _run(_POINTS_OF_PROS, {"pros": ids, "as_of": now or clock.now()})


def score_recompute_range(*, after: int, until: int, now: datetime) -> Recomputed:
    """Every pro with after < id <= until (the nightly run's chunk; set-based)."""
    return _run(_POINTS_OF_RANGE, {"after": after, "until": until, "as_of": now})


def score_recompute_on_commit(pro_ids) -> None:
    """Recompute once the event's transaction commits (never inside it: the pro's and the zone
    cells' rows are not locked by the answer or declaration that caused it)."""
    ids = sorted({int(pk) for pk in pro_ids})
    if ids:
        transaction.on_commit(lambda: score_recompute(pro_ids=ids))


SCORE_COLUMNS = (
    "pro_id",
    "as_of",
    "proposals",
    "answered",
    "answer_points",
    "answer_seconds",
    "expired",
    "refused",
    "honoured",
    "late_cancels",
    "ratings",
    "stars",
    "rebooked",
    "favourites",
    "responsiveness",
    "reliability",
    "rating_stars",
    "loyalty",
    "events",
    "responsiveness_c",
    "reliability_c",
    "rating_c",
    "score",
)


def score_rows(*, pro_id: int, moments: list[datetime]) -> list[dict]:
    """The aggregates, components and score of one pro at each moment (one statement)."""
    sql = "WITH " + SCORED_SQL.format(points=_POINTS_OF_MOMENTS) + " SELECT "
    sql += ", ".join(SCORE_COLUMNS) + " FROM scored ORDER BY as_of"
    with connection.cursor() as cursor:
        cursor.execute(sql, formula_params(pro=pro_id, moments=list(moments)))
        return [dict(zip(SCORE_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
