"""Wave policy: how many pros hold a request at once and how long they have to answer,
from the lead time; refusals and expiries hand the place on."""

from datetime import timedelta

import pytest

from bookings import services, tasks
from bookings.models import BookingEvent, BookingRequest, Proposal
from bookings.selectors import wave_for
from tests.bookings.helpers import NOW, at, sent_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "size", "minutes"),
    [
        (NOW + timedelta(hours=72), 1, 60),
        (NOW + timedelta(hours=48), 1, 60),
        (NOW + timedelta(hours=30), 1, 30),
        (NOW + timedelta(hours=10), 2, 15),
        (NOW + timedelta(hours=3), 3, 5),
    ],
)
def test_each_wave_opens_its_size_with_its_answer_time(clock, make_pro, book, start, size, minutes):
    pros = [make_pro(score=90 - i) for i in range(5)]
    request = book(start)

    proposals = list(request.proposals.order_by("sent_at", "id"))
    assert [p.pro_id for p in proposals] == [p.pk for p in pros[:size]]
    assert all(
        p.status == "sent" and p.expires_at == NOW + timedelta(minutes=minutes) for p in proposals
    )
    assert request.next_dispatch_at == NOW + timedelta(minutes=minutes)
    assert wave_for(start=start, now=NOW).size == size


def test_policy_comes_from_settings(settings, clock, make_pro, book):
    settings.DISPATCH_WAVES = [(timedelta(0), 4, timedelta(minutes=7))]
    pros = [make_pro(score=90 - i) for i in range(5)]
    request = book(at(3, 10))
    assert sent_to(request) == [p.pk for p in pros[:4]]
    assert request.proposals.first().expires_at == NOW + timedelta(minutes=7)


def test_refusal_hands_the_place_to_the_next_pro_at_once(clock, make_pro, book, dispatch_wakeups):
    first, second, _third = make_pro(score=90), make_pro(score=80), make_pro(score=70)
    request = book(at(3, 10))
    assert sent_to(request) == [first.pk]
    dispatch_wakeups.clear()

    services.proposal_refuse(proposal=request.proposals.get(pro=first), pro=first)

    request.refresh_from_db()
    assert request.next_dispatch_at == NOW  # due right now, no waiting for the answer time
    # Running the wake-up (sent on commit with no countdown) opens the next proposal.
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert sent_to(request) == [second.pk]
    assert request.proposals.get(pro=second).expires_at == NOW + timedelta(minutes=60)


def test_refusal_enqueues_an_immediate_wake_up_on_commit(
    clock, make_pro, book, dispatch_wakeups, django_capture_on_commit_callbacks
):
    first = make_pro(score=90)
    make_pro(score=80)
    request = book(at(3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_refuse(proposal=request.proposals.get(pro=first), pro=first)
    assert dispatch_wakeups[-1] == (request.pk, 0.0)


def test_the_sweep_also_hands_on_a_refusal_without_waiting(clock, make_pro, book):
    first, second = make_pro(score=90), make_pro(score=80)
    request = book(at(3, 10))
    services.proposal_refuse(proposal=request.proposals.get(pro=first), pro=first)
    assert services.dispatch_sweep() == 1
    request.refresh_from_db()
    assert sent_to(request) == [second.pk]


def test_expiry_hands_the_place_on_only_after_the_answer_time(clock, make_pro, book):
    first, second = make_pro(score=90), make_pro(score=80)
    request = book(at(3, 10))  # >= 48 h ahead: one pro, 60 minutes

    clock.shift(timedelta(minutes=59, seconds=59))
    services.dispatch_sweep()
    request.refresh_from_db()
    assert sent_to(request) == [first.pk]

    clock.shift(timedelta(seconds=1))
    assert services.dispatch_sweep() == 1
    request.refresh_from_db()
    assert request.proposals.get(pro=first).status == Proposal.Status.EXPIRED
    assert sent_to(request) == [second.pk]
    assert request.proposals.get(pro=second).sent_at == NOW + timedelta(minutes=60)
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == ["request_created", "proposal_sent", "proposal_expired", "proposal_sent"]


def test_expiry_wake_up_is_enqueued_with_the_answer_time(
    clock,
    make_pro,
    customer,
    address,
    service,
    dispatch_wakeups,
    django_capture_on_commit_callbacks,
):
    make_pro()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.booking_request_create(
            customer=customer, address=address, service=service, start=at(1, 15)
        )
    assert dispatch_wakeups == [(request.pk, 0.0)]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.dispatch_request(request.pk)
    # 30 h ahead: 30 minutes to answer.
    assert dispatch_wakeups[-1] == (request.pk, 30 * 60.0)


def test_wave_is_recomputed_from_the_lead_time_at_each_step(clock, make_pro, book):
    pros = [make_pro(score=90 - i) for i in range(9)]
    request = book(NOW + timedelta(hours=6, minutes=30))  # 6-24 h: two pros, 15 minutes
    assert sent_to(request) == [pros[0].pk, pros[1].pk]

    clock.shift(timedelta(minutes=15))  # both expire; 6 h 15 ahead: still two
    services.dispatch_sweep()
    request.refresh_from_db()
    assert sent_to(request) == [pros[2].pk, pros[3].pk]

    clock.shift(timedelta(minutes=15))  # exactly 6 h ahead: still the 6-24 h row
    services.dispatch_sweep()
    request.refresh_from_db()
    assert sent_to(request) == [pros[4].pk, pros[5].pk]

    clock.shift(timedelta(minutes=15))  # 5 h 45 ahead: three pros, five minutes
    services.dispatch_sweep()
    request.refresh_from_db()
    assert sent_to(request) == [pros[6].pk, pros[7].pk, pros[8].pk]
    expiries = set(request.proposals.filter(status="sent").values_list("expires_at", flat=True))
    assert expiries == {NOW + timedelta(minutes=50)}


def test_out_of_candidates_the_request_is_flagged_for_support(clock, make_pro, book):
    only = make_pro()
    request = book(at(3, 10))
    services.proposal_refuse(proposal=request.proposals.get(pro=only), pro=only)
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.DISPATCHING
    assert request.flagged_at == NOW
    assert request.next_dispatch_at == request.booking_deadline
    assert BookingEvent.objects.filter(request=request, kind="request_flagged").count() == 1


def test_at_the_deadline_the_customer_is_told_no_pro_was_found(clock, make_pro, book, customer):
    only = make_pro()
    request = book(at(3, 10))
    services.proposal_refuse(proposal=request.proposals.get(pro=only), pro=only)
    tasks.dispatch_request(request.pk)

    clock.move_to(request.booking_deadline - timedelta(seconds=1))
    services.dispatch_sweep()
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.DISPATCHING

    clock.move_to(request.booking_deadline)
    services.dispatch_sweep()
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.UNFULFILLED
    assert request.next_dispatch_at is None
    assert customer.user.notifications.filter(kind="no_pro_found").count() == 1
