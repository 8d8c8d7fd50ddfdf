"""The simulated world: synthetic pros (through the pros services, so their zone cells and
dispatch index are real) and a synthetic day of requests from synthetic customers, and how
each pro behaves (drawn from their score history when they have one, else from parameters)."""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q

from core import clock
from core.geo import cell_of
from customers.models import Address, Customer, PaymentMethod
from pros import services as pro_services
from pros.models import Pro, ScoreEvent

KM_PER_DEG_LAT = 111.32
# Lead time (start - creation) of the synthetic requests: (shortest, longest, share).
LEAD_MIX = (
    (timedelta(hours=2, minutes=15), timedelta(hours=6), 0.25),
    (timedelta(hours=6), timedelta(hours=24), 0.25),
    (timedelta(hours=24), timedelta(hours=48), 0.20),
    (timedelta(hours=48), timedelta(days=6), 0.30),
)
WORK_FROM, WORK_UNTIL = time(8, 0), time(20, 0)  # the synthetic pros' hours, every day


@dataclass(frozen=True)
class Behaviour:
    """How a simulated pro answers a proposal: answers at all before it expires with
    `answer_rate` (after an exponential delay of mean `mean_delay`; a delay past the answer
    time is an expiry too), and of those answers accepts with `accept_rate` (else refuses)."""

    answer_rate: float = 0.8
    accept_rate: float = 0.5
    mean_delay: timedelta = timedelta(minutes=6)


def behaviour_from_history(pro_ids, *, default: Behaviour, min_events: int = 5) -> dict:
    """Per pro with at least `min_events` answered/expired proposals in their score events:
    their own answer rate, accept (vs refuse) rate and mean answer delay."""
    rows = (
        ScoreEvent.objects.filter(
            pro_id__in=list(pro_ids), kind__in=["answered", "refused", "expired"]
        )
        .values("pro_id")
        .annotate(
            answered=Count("id", filter=Q(kind="answered")),
            refused=Count("id", filter=Q(kind="refused")),
            expired=Count("id", filter=Q(kind="expired")),
            delay=Avg("value", filter=Q(kind__in=["answered", "refused"])),
        )
    )
    behaviours = {}
    for row in rows:
        answers = row["answered"] + row["refused"]
        if answers + row["expired"] < min_events:
            continue
        behaviours[row["pro_id"]] = Behaviour(
            answer_rate=answers / (answers + row["expired"]),
            accept_rate=row["answered"] / answers if answers else default.accept_rate,
            mean_delay=(
                timedelta(seconds=row["delay"]) if row["delay"] is not None else default.mean_delay
            ),
        )
    return behaviours


def _point_near(rng: random.Random, lat: float, lng: float, km: float) -> tuple[Decimal, Decimal]:
    """A point uniformly within `km` of (lat, lng)."""
    distance, angle = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = distance * math.sin(angle) / KM_PER_DEG_LAT
    dlng = distance * math.cos(angle) / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return Decimal(f"{lat + dlat:.6f}"), Decimal(f"{lng + dlng:.6f}")


def make_pros(*, count: int, service, centre, spread_km: float, rng: random.Random, tag: str):
    """`count` dispatchable pros offering `service`, based within `spread_km` of `centre`, with
    a 5-12 km radius, working 08:00-20:00 every day; built through the pros services."""
    User = get_user_model()
    now = clock.now()
    pros = []
    for index in range(count):
        user = User.objects.create(
            email=f"sim-{tag}-pro-{index}@simulation.invalid",
            first_name="Sim",
            last_name=f"Pro {index}",
        )
        pro = Pro.objects.create(
            user=user,
            slug=f"sim-{tag}-{index}",
            referral_code=f"S{tag[:5]}{index:06d}"[:12],
            terms_accepted_at=now,
            id_verified_at=now,
        )
        pro_services.pro_set_services(pro=pro, services=[service])
        pro_services.pro_set_working_hours(
            pro=pro, ranges=[(day, WORK_FROM, WORK_UNTIL) for day in range(7)]
        )
        lat, lng = _point_near(rng, *centre, spread_km)
        pro_services.pro_set_zone(
            pro=pro,
            base_address=f"{lat}, {lng}",
            lat=lat,
            lng=lng,
            radius_km=rng.randint(5, 12),
        )
        pros.append(pro_services.pro_refresh_status(pro=pro))
    return pros


def _start_for(created: datetime, lead: timedelta, duration: timedelta) -> datetime:
    """The first half hour at or after created + lead when a session fits the pros' hours."""
    earliest = clock.to_paris(created + lead)
    moment = earliest.replace(second=0, microsecond=0)
    if moment < earliest or moment.minute % 30:
        moment += timedelta(minutes=30 - moment.minute % 30)
    latest = (datetime.combine(date.min, WORK_UNTIL) - duration).time()
    if moment.time() < WORK_FROM:
        return clock.paris_datetime(moment.date(), WORK_FROM)
    if moment.time() > latest:
        return clock.paris_datetime(moment.date() + timedelta(days=1), WORK_FROM)
    return moment


def make_requests(
    *, count: int, day: date, service, centre, spread_km: float, rng: random.Random, tag: str
):
    """`count` requests created between 07:00 and 21:00 (Paris) on `day`, from new customers
    (a saved card each) within `spread_km` of `centre`, with a lead time drawn from LEAD_MIX."""
    from .run import SimulatedRequest

    User = get_user_model()
    duration = timedelta(minutes=service.duration_minutes)
    opening = clock.paris_datetime(day, time(7, 0))
    requests = []
    for index in range(count):
        created = opening + timedelta(seconds=rng.uniform(0, 14 * 3600))
        roll, shortest, longest = rng.random(), None, None
        for low, high, share in LEAD_MIX:
            shortest, longest = low, high
            if roll < share:
                break
            roll -= share
        lead = shortest + (longest - shortest) * rng.random()
        user = User.objects.create(
            email=f"sim-{tag}-customer-{index}@simulation.invalid",
            first_name="Sim",
            last_name=f"Customer {index}",
        )
        customer = Customer.objects.create(user=user)
        lat, lng = _point_near(rng, *centre, spread_km)
        address = Address.objects.create(
            customer=customer,
            street=f"{index + 1} rue de la Simulation",
            postal_code="75001",
            city="Paris",
            lat=lat,
            lng=lng,
            h3_cell=cell_of(lat, lng),
        )
        PaymentMethod.objects.create(
            customer=customer,
            gateway="fake",
            gateway_payment_method_id=f"pm_sim_{tag}_{index}",
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=2040,
        )
        requests.append(
            SimulatedRequest(
                created_at=created,
                customer=customer,
                address=address,
                service=service,
                start=_start_for(created, lead, duration),
            )
        )
    requests.sort(key=lambda r: r.created_at)
    return requests


def build_world(*, pros: int, requests: int, day: date, service, centre, seed: int, tag: str):
    """Synthetic pros and requests for one day; returns (pros, requests)."""
    rng = random.Random(seed)
    spread_km = 6.0
    made = make_pros(
        count=pros, service=service, centre=centre, spread_km=spread_km, rng=rng, tag=tag
    )
    specs = make_requests(
        count=requests,
        day=day,
        service=service,
        centre=centre,
        spread_km=spread_km,
        rng=rng,
        tag=tag,
    )
    return made, specs
