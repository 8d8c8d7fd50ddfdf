"""The score's facts are recorded where they happen, through the real services: answers with
their latency (refusals recorded, never weighing), expiries (after the engine's step commits),
bonus proposals never; sessions honoured and late cancellations (checkin); ratings and hidden
reviews (feedback); favourites and rebookings (bookings)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.test import TestCase

from bookings import services as booking_services
from bookings import tasks
from catalog.models import Service
from checkin import services as checkin_services
from core.clock import PARIS
from feedback import services as feedback_services
from pros.models import ScoreEvent
from tests.factories import booking_customer, booking_row, dispatchable_pro

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday


def at(days, hour, minute=0):
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), tzinfo=PARIS)


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def events(pro, **filters):
    return list(
        ScoreEvent.objects.filter(pro=pro, **filters)
        .order_by("id")
        .values("kind", "weighs", "value", "allowed", "ref")
    )


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.fixture
def customer_address(db):
    return booking_customer()


@pytest.fixture
def pros(cleaning):
    return [dispatchable_pro(services=[cleaning], score=90 - i) for i in range(3)]


@pytest.fixture
def book(customer_address, cleaning):
    customer, address = customer_address

    def create(start):
        request = booking_services.booking_request_create(
            customer=customer, address=address, service=cleaning, start=start
        )
        tasks.dispatch_request(request.pk)
        return request

    return create


def test_an_answer_records_how_long_the_pro_took_of_the_time_given(clock, pros, book):
    request = book(at(3, 10))  # 3 days ahead: one pro, 60 minutes
    clock.shift(timedelta(minutes=4))
    booking_services.proposal_accept(proposal=request.proposals.get(pro=pros[0]), pro=pros[0])
    proposal = request.proposals.get(pro=pros[0])
    assert events(pros[0]) == [
        {
            "kind": "answered",
            "weighs": True,
            "value": 240,
            "allowed": 3600,
            "ref": f"proposal:{proposal.pk}",
        }
    ]


def test_a_refusal_is_recorded_and_never_weighs_and_a_counter_offer_is_an_answer(clock, pros, book):
    request = book(at(3, 10))
    booking_services.proposal_refuse(proposal=request.proposals.get(pro=pros[0]), pro=pros[0])
    tasks.dispatch_request(request.pk)
    clock.shift(timedelta(minutes=1))
    booking_services.proposal_counter(
        proposal=request.proposals.get(pro=pros[1]), pro=pros[1], start=at(3, 14)
    )
    assert [(e["kind"], e["weighs"]) for e in events(pros[0])] == [("refused", False)]
    assert [(e["kind"], e["value"]) for e in events(pros[1])] == [("answered", 60)]


def test_an_expiry_is_recorded_once_the_engines_step_commits(clock, pros, book):
    request = book(at(3, 10))
    clock.shift(timedelta(minutes=61))
    with committed():
        tasks.dispatch_request(request.pk)
        assert not events(pros[0])  # not inside the step
    proposal = request.proposals.get(pro=pros[0])
    assert events(pros[0]) == [
        {
            "kind": "expired",
            "weighs": True,
            "value": None,
            "allowed": None,
            "ref": f"proposal:{proposal.pk}",
        }
    ]


def test_bonus_proposals_are_never_recorded(clock, pros, cleaning, book):
    far = dispatchable_pro(services=[cleaning], lat=45.76, lng=4.83)  # Lyon: outside the zone
    request = book(at(3, 10))
    [bonus] = booking_services.booking_request_send_bonus(request=request, pros=[far], by=None)
    booking_services.proposal_refuse(proposal=bonus, pro=far)
    [again] = booking_services.booking_request_send_bonus(
        request=book(at(4, 10)), pros=[far], by=None
    )
    clock.shift(timedelta(hours=2))
    with committed():
        tasks.dispatch_request(again.request_id)
    assert again.__class__.objects.get(pk=again.pk).status == "expired"
    assert not events(far)


@pytest.fixture
def session(pros, customer_address, cleaning):
    customer, address = customer_address

    def make(start, pro=None):
        booking = booking_row(
            pro=pro or pros[0], customer=customer, address=address, service=cleaning, start=start
        )
        checkin_services.session_record_open(booking=booking)
        return booking

    return make


def test_sessions_honoured_and_late_cancellations_come_from_check_in(clock, pros, session):
    done, absent = session(at(0, 10)), session(at(0, 14))
    late = session(at(0, 20))
    early = session(at(2, 10))
    clock.move_to(at(0, 12))
    checkin_services.declaration_make(booking=done, pro=pros[0], kind="done")
    clock.move_to(at(0, 14, 30))
    checkin_services.declaration_make(booking=absent, pro=pros[0], kind="no_show")
    checkin_services.declaration_make(booking=late, pro=pros[0], kind="pro_cancels", reason="Ill")
    checkin_services.declaration_make(booking=early, pro=pros[0], kind="pro_cancels", reason="Ill")
    assert [(e["kind"], e["ref"]) for e in events(pros[0])] == [
        ("honoured", f"booking:{done.pk}"),
        ("honoured", f"booking:{absent.pk}"),
        ("late_cancel", f"booking:{late.pk}"),
    ]


def test_a_session_without_check_in_is_honoured_when_it_closes_by_itself(
    clock, pros, customer_address
):
    customer, address = customer_address
    massage = Service.objects.get(slug="massage-relaxant-60")
    booking = booking_row(
        pro=pros[0], customer=customer, address=address, service=massage, start=at(0, 10)
    )
    checkin_services.session_record_open(booking=booking)
    clock.move_to(at(0, 12))
    checkin_services.checkin_sweep()
    assert [e["kind"] for e in events(pros[0])] == ["honoured"]


def test_ratings_count_until_support_hides_them(clock, pros, customer_address, cleaning):
    customer, address = customer_address
    booking = booking_row(
        pro=pros[0],
        customer=customer,
        address=address,
        service=cleaning,
        start=at(-1, 10),
        status="completed",
        completed_at=at(-1, 12),
    )
    review = feedback_services.review_create(booking=booking, customer=customer, rating=2)
    assert events(pros[0], kind="rating") == [
        {
            "kind": "rating",
            "weighs": True,
            "value": 2,
            "allowed": None,
            "ref": f"review:{review.pk}",
        }
    ]
    feedback_services.review_hide(review=review, by=None, reason="Abusive")
    assert events(pros[0], kind="rating")[0]["weighs"] is False


def test_favourites_and_customers_who_come_back(clock, pros, customer_address, cleaning):
    customer, address = customer_address

    def session_done(start):
        booking = booking_row(
            pro=pros[0], customer=customer, address=address, service=cleaning, start=start
        )
        return booking_services.booking_mark_completed(booking=booking)

    first = session_done(at(-9, 10))
    assert not events(pros[0])  # a first session with a customer is no rebooking
    second = session_done(at(-2, 10))
    booking_services.favorite_add(customer=customer, pro=pros[0])
    booking_services.favorite_add(customer=customer, pro=pros[0])
    assert [(e["kind"], e["ref"], e["weighs"]) for e in events(pros[0])] == [
        ("rebooked", f"booking:{second.pk}", True),
        ("favourite", f"customer:{customer.pk}", True),
    ]
    assert first.pk != second.pk
    booking_services.favorite_remove(customer=customer, pro=pros[0])
    assert events(pros[0], kind="favourite")[0]["weighs"] is False
