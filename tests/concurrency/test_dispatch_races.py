"""Real threads on real PostgreSQL: the request lock and the exclusion constraint hold."""

from datetime import timedelta

import pytest

from bookings import services
from bookings.models import Booking, BookingRequest, Proposal
from catalog.models import Service
from core import clock
from tests.concurrency.threads import run_together
from tests.factories import ProFactory, booking_customer, booking_request_row

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _request(customer, address, service, start):
    return booking_request_row(customer=customer, address=address, service=service, start=start)


def test_twenty_pros_accepting_the_same_request_make_exactly_one_booking():
    service = Service.objects.get(slug="menage-2h")
    customer, address = booking_customer()
    start = (clock.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    request = _request(customer, address, service, start)
    pros = [ProFactory(bare_active=True) for _ in range(20)]
    proposals = [
        Proposal.objects.create(
            request=request, pro=pro, is_bonus=True, expires_at=clock.now() + timedelta(hours=1)
        )
        for pro in pros
    ]

    results = run_together(
        [
            lambda p=p, pro=pro: services.proposal_accept(proposal=p, pro=pro)
            for p, pro in zip(proposals, pros, strict=True)
        ]
    )

    bookings = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, services.ProposalUnavailable)]
    assert len(bookings) == 1 and len(refused) == 19, results
    assert Booking.objects.count() == 1
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.CONFIRMED
    statuses = sorted(Proposal.objects.values_list("status", flat=True))
    assert statuses == ["accepted"] + ["withdrawn"] * 19
    assert Booking.objects.get().pro_id == Proposal.objects.get(status="accepted").pro_id


@pytest.mark.parametrize(
    "gap_minutes", [0, 60, 130]
)  # same slot, overlapping, within the travel buffer
def test_two_requests_for_one_pros_overlapping_slots_never_both_confirm(gap_minutes):
    service = Service.objects.get(slug="menage-2h")  # 2 h sessions, 30 min travel buffer
    pro = ProFactory(bare_active=True)
    for round_ in range(5):
        customer_a, address_a = booking_customer()
        customer_b, address_b = booking_customer()
        start = (clock.now() + timedelta(days=3 + round_)).replace(
            minute=0, second=0, microsecond=0
        )
        first = _request(customer_a, address_a, service, start)
        second = _request(customer_b, address_b, service, start + timedelta(minutes=gap_minutes))
        expires = clock.now() + timedelta(hours=1)
        p1 = Proposal.objects.create(request=first, pro=pro, expires_at=expires)
        p2 = Proposal.objects.create(request=second, pro=pro, expires_at=expires)

        results = run_together(
            [
                lambda p=p1: services.proposal_accept(proposal=p, pro=pro),
                lambda p=p2: services.proposal_accept(proposal=p, pro=pro),
            ]
        )

        assert sum(isinstance(r, Booking) for r in results) == 1, results
        assert sum(isinstance(r, services.AgendaConflict) for r in results) == 1, results
        confirmed = BookingRequest.objects.filter(
            pk__in=[first.pk, second.pk], status="confirmed"
        ).count()
        assert confirmed == 1
    assert Booking.objects.filter(pro=pro).count() == 5


def test_accept_racing_the_expiry_sweep_is_consistent():
    service = Service.objects.get(slug="menage-2h")
    customer, address = booking_customer()
    for round_ in range(5):
        start = (clock.now() + timedelta(days=3 + round_)).replace(
            minute=0, second=0, microsecond=0
        )
        request = _request(customer, address, service, start)
        pro = ProFactory(bare_active=True)
        # Expires right now: the sweep and the pro race for it.
        proposal = Proposal.objects.create(
            request=request, pro=pro, expires_at=clock.now() + timedelta(milliseconds=5)
        )
        BookingRequest.objects.filter(pk=request.pk).update(next_dispatch_at=proposal.expires_at)

        results = run_together(
            [
                lambda p=proposal, pro=pro: services.proposal_accept(proposal=p, pro=pro),
                services.dispatch_sweep,
            ]
        )

        proposal.refresh_from_db()
        if isinstance(results[0], Booking):
            assert proposal.status == "accepted"
            assert BookingRequest.objects.get(pk=request.pk).status == "confirmed"
        else:
            assert isinstance(results[0], services.ProposalUnavailable), results
            services.dispatch_sweep()  # if the sweep ran a hair too early, the next one expires it
            proposal.refresh_from_db()
            assert proposal.status == "expired"
            assert not Booking.objects.filter(request=request).exists()
