"""Candidates and their order: exclusive pro alone; else favourites, past pros, score,
distance, then fairness (fewest proposals in the last 7 days)."""

from datetime import date, timedelta

import pytest

from bookings.models import Favorite, Proposal
from bookings.selectors import RANK_FAVORITE, RANK_OTHER, RANK_PAST, candidates_for
from catalog.models import Service
from pros.models import Pro, TimeOff
from pros.services import pro_refresh_dispatch_index
from tests.bookings.helpers import NOW, at
from tests.factories import booking_request_row, booking_row

pytestmark = pytest.mark.django_db

# About 1.1 km and 3.3 km east of the Paris address used by the tests (same latitude).
NEAR_LNG, FAR_LNG = 2.3672, 2.3972


@pytest.fixture
def request_row(customer, address, service):
    return booking_request_row(customer=customer, address=address, service=service, start=at(3, 10))


def ids(candidates):
    return [c.pro_id for c in candidates]


def test_order_is_favourites_then_past_pros_then_score_then_distance(
    clock, make_pro, request_row, customer, address, service
):
    best_score = make_pro(score=95)
    near = make_pro(score=60, lng=NEAR_LNG)
    far = make_pro(score=60, lng=FAR_LNG)
    past = make_pro(score=10)
    favourite = make_pro(score=5)
    booking_row(
        pro=past,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=20),
        status="completed",
    )
    booking_row(
        pro=favourite,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=40),
        status="completed",
    )
    Favorite.objects.create(customer=customer, pro=favourite)

    candidates = candidates_for(request_row, limit=10)

    assert ids(candidates) == [favourite.pk, past.pk, best_score.pk, near.pk, far.pk]
    assert [c.rank for c in candidates] == [
        RANK_FAVORITE,
        RANK_PAST,
        RANK_OTHER,
        RANK_OTHER,
        RANK_OTHER,
    ]
    assert candidates[3].distance_m < candidates[4].distance_m


def test_ties_go_to_whoever_received_fewest_proposals_in_the_last_7_days(
    clock, make_pro, request_row, customer, address, service
):
    busy, rested, old_busy = make_pro(), make_pro(), make_pro()  # same score, same base
    for days_ago in (1, 2):
        other = booking_request_row(
            customer=customer, address=address, service=service, start=at(5 + days_ago, 10)
        )
        Proposal.objects.create(
            request=other,
            pro=busy,
            sent_at=NOW - timedelta(days=days_ago),
            expires_at=NOW,
            status="refused",
        )
    stale = booking_request_row(
        customer=customer, address=address, service=service, start=at(9, 10)
    )
    Proposal.objects.create(
        request=stale,
        pro=old_busy,
        sent_at=NOW - timedelta(days=8),
        expires_at=NOW,
        status="refused",
    )
    bonus = booking_request_row(
        customer=customer, address=address, service=service, start=at(10, 10)
    )
    Proposal.objects.create(
        request=bonus,
        pro=rested,
        sent_at=NOW - timedelta(days=1),
        expires_at=NOW,
        status="refused",
        is_bonus=True,
    )  # bonus proposals do not count

    candidates = candidates_for(request_row, limit=3)

    assert ids(candidates) == sorted([rested.pk, old_busy.pk]) + [busy.pk]
    assert [c.recent_proposals for c in candidates] == [0, 0, 2]


def test_fairness_sees_pros_tied_beyond_the_limit(
    clock, make_pro, request_row, customer, address, service
):
    pros = [make_pro() for _ in range(4)]
    for day, pro in enumerate(pros[:3], start=6):  # one open request per home and time
        other = booking_request_row(
            customer=customer, address=address, service=service, start=at(day, 10)
        )
        Proposal.objects.create(
            request=other,
            pro=pro,
            sent_at=NOW - timedelta(hours=1),
            expires_at=NOW,
            status="refused",
        )
    # The index walk stops after one row plus its ties, so the rested pro (last by id) wins.
    assert ids(candidates_for(request_row, limit=1)) == [pros[3].pk]


@pytest.mark.parametrize(
    "exclude",
    [
        "service",
        "hours",
        "day_off",
        "booking",
        "travel_buffer",
        "asked",
        "paused",
        "zone",
        "unverified",
    ],
)
def test_pros_who_cannot_take_it_are_not_candidates(
    clock, make_pro, request_row, customer, address, service, exclude
):
    ok = make_pro(score=10)
    kwargs = {"score": 90}
    if exclude == "service":
        kwargs["services"] = [Service.objects.get(slug="menage-3h")]
    if exclude == "hours":  # Thursday (the session's day) until 11:00; the session ends at 12:00
        kwargs["hours"] = [(3, 7, 11), (2, 7, 22), (4, 7, 22)]
    if exclude == "zone":
        kwargs.update(lat=45.764, lng=4.8357)  # Lyon
    pro = make_pro(**kwargs)
    if exclude == "day_off":
        TimeOff.objects.create(pro=pro, start_date=date(2026, 3, 4), end_date=date(2026, 3, 6))
    if exclude == "booking":
        booking_row(pro=pro, customer=customer, address=address, service=service, start=at(3, 11))
    if (
        exclude == "travel_buffer"
    ):  # ends 09:45; with the 30-minute buffer the pro is busy until 10:15
        booking_row(
            pro=pro, customer=customer, address=address, service=service, start=at(3, 7, 45)
        )
    if exclude == "asked":
        Proposal.objects.create(request=request_row, pro=pro, expires_at=NOW, status="refused")
    if exclude in {"paused", "unverified"}:
        Pro.objects.filter(pk=pro.pk).update(
            **({"is_paused": True} if exclude == "paused" else {"id_verified_at": None})
        )
        pro_refresh_dispatch_index(pro=Pro.objects.get(pk=pro.pk))

    assert ids(candidates_for(request_row, limit=5)) == [ok.pk]


def test_a_booking_just_outside_the_travel_buffer_does_not_exclude(
    clock, make_pro, request_row, customer, address, service
):
    pro = make_pro()
    booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(3, 7, 30)
    )  # ends 09:30
    booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(3, 12, 30)
    )  # 12:00+30
    assert ids(candidates_for(request_row, limit=5)) == [pro.pk]


def test_working_hours_are_paris_wall_clock_across_dst(clock, make_pro, customer, address, service):
    # Sunday 29 March 2026 is the spring change: 10:00 Paris is 08:00 UTC (09:00 UTC the day before).
    pro = make_pro(hours=[(6, 10, 12)])
    summer = booking_request_row(
        customer=customer, address=address, service=service, start=at(27, 10)
    )
    assert summer.start.utcoffset() == timedelta(hours=2)
    assert ids(candidates_for(summer, limit=1)) == [pro.pk]


def test_favourites_outside_the_zone_are_not_candidates(
    clock, make_pro, request_row, customer, address, service
):
    lyon = make_pro(lat=45.764, lng=4.8357)
    booking_row(
        pro=lyon,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=3),
        status="completed",
    )
    Favorite.objects.create(customer=customer, pro=lyon)
    assert candidates_for(request_row, limit=5) == []


def test_the_candidate_query_is_one_query(
    clock, make_pro, request_row, django_assert_max_num_queries
):
    for _ in range(5):
        make_pro()
    request_row.address  # noqa: B018 (loaded as the engine has it)
    request_row.customer  # noqa: B018
    with django_assert_max_num_queries(2):  # the customer's own pro id + the ranked query
        assert len(candidates_for(request_row, limit=3)) == 3
