"""Fairness among equals: pros with the same score and distance share the proposals. Over a
simulated week (the dispatch simulator: real engine, real candidate query, simulated pros who
all answer alike), the 7-day tie-break (fewest proposals in the last 7 days first) leaves
every one of them within 10 % of the others' proposal counts."""

import random
from datetime import datetime, time, timedelta

import pytest

from bookings.simulation import Behaviour, SimulatedRequest, report_of, simulate
from catalog.models import Service
from core.clock import PARIS, paris_datetime
from tests.factories import booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=PARIS)


def test_equal_pros_end_a_week_within_10_percent_of_each_others_proposal_counts():
    cleaning = Service.objects.select_related("category").get(slug="menage-2h")
    hours = tuple((day, 8, 20) for day in range(7))
    equals = [dispatchable_pro(services=[cleaning], hours=hours, score=50) for _i in range(4)]
    rng = random.Random(2026)
    requests = []
    for day in range(7):
        for hour in (8, 10, 12, 14, 16, 18):
            created = paris_datetime(MONDAY.date() + timedelta(days=day), time(hour, 5))
            lead_days, start_hour = rng.choice([(0, hour + 4), (1, 9), (2, 14), (4, 11)])
            if start_hour > 18:
                lead_days, start_hour = 1, 10
            customer, address = booking_customer(
                lat=48.8566 + rng.uniform(-0.01, 0.01), lng=2.3522 + rng.uniform(-0.01, 0.01)
            )
            requests.append(
                SimulatedRequest(
                    created_at=created,
                    customer=customer,
                    address=address,
                    service=cleaning,
                    start=paris_datetime(
                        created.date() + timedelta(days=lead_days), time(start_hour, 0)
                    ),
                )
            )

    outcome = simulate(
        requests=requests,
        behaviours={},
        default=Behaviour(answer_rate=0.8, accept_rate=0.3, mean_delay=timedelta(minutes=4)),
        pool=[pro.pk for pro in equals],
        seed=11,
    )

    counts = [outcome.proposals_per_pro[pro.pk] for pro in equals]
    report = report_of(outcome)
    assert report.created == len(requests) == 42
    assert min(counts) >= 20, counts  # a real week's worth each
    assert (max(counts) - min(counts)) / max(counts) <= 0.10, counts
    assert report.proposals_gini < 0.05
