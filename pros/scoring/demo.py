"""A demo score history (seed_demo): twelve weeks of answers, expiries, refusals, sessions,
reviews and loyal customers for the demo pros, each with a profile of their own, so that the
My score page and the dispatch simulator have something to show. Deterministic and idempotent
(events are unique per pro, kind and "demo:" reference); the scores are recomputed at the end."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import ScoreEvent
from .compute import score_recompute

WEEKS = 12


@dataclass(frozen=True)
class Profile:
    proposals_a_week: int
    answer_rate: float  # answered or refused, before expiry
    refuse_rate: float  # of the answers
    minutes: float  # mean answer time
    sessions_a_week: int
    late_cancels: int  # over the twelve weeks
    stars: tuple  # the reviews received, oldest first
    loyal: int  # rebookings and favourites over the twelve weeks


# In the order of the demo pros (pro1, pro2, ...); the last profile repeats.
PROFILES = (
    Profile(6, 0.97, 0.2, 3, 3, 0, (5, 5, 4, 5, 5, 5), 5),  # pro1: the example to follow
    Profile(5, 0.85, 0.3, 8, 2, 0, (4, 5, 4), 2),
    Profile(5, 0.9, 0.5, 22, 2, 1, (5, 4), 1),  # answers, but slowly
    Profile(5, 0.55, 0.2, 12, 2, 0, (4,), 1),  # lets proposals expire
    Profile(4, 0.8, 0.3, 6, 2, 3, (3, 4), 0),  # cancels late
    Profile(4, 0.8, 0.6, 10, 1, 0, (), 0),
)


def seed_score_history(*, pros, now: datetime, seed: int = 12) -> int:
    """Write the history of each pro in `pros` (in order, PROFILES[i]); returns the number of
    events written (0 when they are there already)."""
    ids = [pro.pk for pro in pros]
    before = ScoreEvent.objects.filter(pro_id__in=ids, ref__startswith="demo:").count()
    rng = random.Random(seed)
    events = []
    for index, pro in enumerate(pros):
        profile = PROFILES[min(index, len(PROFILES) - 1)]
        events += _history(pro.pk, profile, now=now, rng=rng)
    ScoreEvent.objects.bulk_create(events, ignore_conflicts=True)
    score_recompute(pro_ids=ids, now=now)
    return ScoreEvent.objects.filter(pro_id__in=ids, ref__startswith="demo:").count() - before


def _history(pro_id: int, profile: Profile, *, now: datetime, rng: random.Random):
    numbers = iter(range(1, 10_000))
    events = []

    def add(kind, at, **fields):
        events.append(
            ScoreEvent(pro_id=pro_id, kind=kind, at=at, ref=f"demo:{next(numbers)}", **fields)
        )

    for week in range(WEEKS, 0, -1):
        start = now - timedelta(weeks=week)
        for _i in range(profile.proposals_a_week):
            sent = start + timedelta(hours=rng.uniform(0, 160))
            allowed = rng.choice((300, 900, 1800, 3600))
            if rng.random() >= profile.answer_rate:
                add(ScoreEvent.Kind.EXPIRED, sent + timedelta(seconds=allowed), allowed=allowed)
                continue
            took = min(allowed - 1, round(rng.expovariate(1 / (profile.minutes * 60))))
            refused = rng.random() < profile.refuse_rate
            add(
                ScoreEvent.Kind.REFUSED if refused else ScoreEvent.Kind.ANSWERED,
                sent + timedelta(seconds=took),
                weighs=not refused,
                value=took,
                allowed=allowed,
            )
        for _i in range(profile.sessions_a_week):
            add(ScoreEvent.Kind.HONOURED, start + timedelta(hours=rng.uniform(0, 160)))
    for number in range(profile.late_cancels):
        add(ScoreEvent.Kind.LATE_CANCEL, now - timedelta(weeks=WEEKS - 1 - 4 * number, days=2))
    for number, stars in enumerate(profile.stars):
        weeks_ago = WEEKS - (number + 1) * WEEKS / (len(profile.stars) + 1)
        add(ScoreEvent.Kind.RATING, now - timedelta(weeks=weeks_ago), value=stars)
    for number in range(profile.loyal):
        kind = ScoreEvent.Kind.FAVOURITE if number % 2 else ScoreEvent.Kind.REBOOKED
        add(kind, now - timedelta(weeks=WEEKS * (number + 1) / (profile.loyal + 1)))
    return events
