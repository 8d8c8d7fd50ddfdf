"""Who may be asked: the candidate query (one indexed SQL statement; its SQL is
`candidate_sql.py`), whether anybody covers an address, and the pros support may send a bonus
proposal to.

Who may work at all is the pros app's rule (`pros.models`: `Pro.objects.dispatchable()`, its
SQL twin `DISPATCHABLE_SQL`, and `ZoneCell.dispatchable`, kept equal to it by pros.services);
this module only uses it.
"""

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef

from core import clock
from core.cursors import server_bound
from pros.models import Pro, ZoneCell

from ..models import BookingRequest, Proposal
from ..rules import wall_clock_slot
from . import candidate_sql as sql
from .candidate_sql import install_candidate_function  # noqa: F401  (BookingsConfig)

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
    # Whether that user has a device to push to (no device query after the commit if not).
    has_device: bool = True


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
            rows = _fetch(sql.EXCLUSIVE, {**params, "exclusive": request.exclusive_pro_id})
            if rows or not request.fallback_to_others:
                return rows
        elif exclusive_status == Proposal.Status.SENT or not request.fallback_to_others:
            return []
    # Bound by the server: quoting its 16 parameters in Python was a fifth of the call.
    with server_bound() as cursor:
        cursor.execute(sql.CALL, {key: params[key] for key in sql.PARAMETER_TYPES})
        return [Candidate(*row) for row in cursor.fetchall()]


def candidates_for_many(wanted, *, now: datetime) -> dict[int, list[Candidate]]:
    """`candidates_for` for many requests, keyed by request id: `wanted` holds (request,
    limit, exclusive_status) triples. Exclusive requests are asked one by one; all the others
    in one statement (the same function, once per request, in one round trip)."""
    found: dict[int, list[Candidate]] = {}
    batch: list[dict] = []
    for request, limit, exclusive_status in wanted:
        if request.exclusive_pro_id:
            found[request.pk] = candidates_for(
                request, limit=limit, now=now, exclusive_status=exclusive_status
            )
            continue
        found[request.pk] = []
        params = candidate_params(request, limit=limit, now=now) if limit > 0 else None
        if params is not None:
            batch.append({"request_id": request.pk, **{k: _json(v) for k, v in params.items()}})
    if batch:
        with connection.cursor() as cursor:
            cursor.execute(sql.CALL_MANY, {"batch": json.dumps(batch)})
            for request_id, *row in cursor.fetchall():
                found[request_id].append(Candidate(*row))
    return found


def _json(value):
    """A parameter as CALL_MANY's JSON carries it: dates and times as their full ISO text."""
    return value.isoformat() if isinstance(value, (date, time)) else value


def _fetch(query: str, params: dict) -> list[Candidate]:
    with connection.cursor() as cursor:
        cursor.execute(sql.JIT_OFF + query, params)
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
