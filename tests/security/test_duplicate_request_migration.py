"""bookings.0005: before the "one open request per home and time" constraint is added, the
duplicates a retried POST created are closed: the first request stays, each later overlapping
one is cancelled (`duplicate_request`) with its sent proposals withdrawn, all on the
timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import BookingEvent, BookingRequest, Proposal
from catalog.models import Service
from tests.factories import ProFactory, booking_customer
from tests.migration_steps import migrate_back, migrate_to_latest

BEFORE = ("bookings", "0004_request_excluded_pro")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_later_overlapping_open_requests_are_closed_before_the_constraint():
    customer, address = booking_customer()
    _other_customer, other_address = booking_customer()
    pro = ProFactory()
    service = Service.objects.get(slug="menage-2h")
    old = migrate_back(BEFORE)
    OldRequest, OldProposal = (
        old.get_model("bookings", "BookingRequest"),
        old.get_model("bookings", "Proposal"),
    )
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    created = timezone.now()

    def request(at, *, minutes=0, home=address, status="dispatching"):
        return OldRequest.objects.create(
            customer_id=home.customer_id,
            address_id=home.pk,
            service_id=service.pk,
            start=at,
            end=at + timedelta(hours=2),
            price_cents=5000,
            pro_net_cents=4000,
            platform_share_cents=1000,
            status=status,
            booking_deadline=at - timedelta(hours=2),
            created_at=created + timedelta(minutes=minutes),
        )

    first = request(start)
    retried = request(start, minutes=1)
    overlapping = request(start + timedelta(hours=1), minutes=2)
    after = request(start + timedelta(hours=2), minutes=3)  # touches `first`: kept
    elsewhere = request(start, minutes=4, home=other_address)
    closed = request(start, minutes=5, status="cancelled")
    OldProposal.objects.create(
        request_id=retried.pk, pro_id=pro.pk, expires_at=start, status="sent"
    )

    migrate_to_latest()

    statuses = dict(BookingRequest.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: "dispatching",
        retried.pk: "cancelled",
        overlapping.pk: "cancelled",
        after.pk: "dispatching",
        elsewhere.pk: "dispatching",
        closed.pk: "cancelled",
    }
    cancelled = BookingRequest.objects.get(pk=retried.pk)
    assert cancelled.cancel_reason == "duplicate_request" and cancelled.closed_at
    assert cancelled.next_dispatch_at is None
    assert Proposal.objects.get(request_id=retried.pk).status == "withdrawn"
    kinds = sorted(
        BookingEvent.objects.filter(request_id=retried.pk).values_list("kind", flat=True)
    )
    assert kinds == ["proposal_withdrawn", "request_cancelled"]
    assert BookingEvent.objects.filter(request_id=overlapping.pk, kind="request_cancelled").exists()
