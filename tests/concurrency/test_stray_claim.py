"""Real threads on real PostgreSQL: the sweep's stray-expiries claim selects requests by their
proposals' rows. A wake-up that commits after the claim's snapshot but before its lock changes
those rows unseen by PostgreSQL's re-check, so the step must read its state after the lock.

The window is opened on purpose: right after the statement that locks the requests, another
connection commits what such a wake-up writes to the proposals (the request row itself is
locked, so it is left alone). A step reading its state in the locking statement acts on the
state before that commit: it expires the proposal again and asks one pro too many."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from bookings.dispatch import engine
from bookings.models import BookingEvent, BookingRequest, Proposal
from catalog.models import Service
from core import clock
from tests.factories import booking_customer, booking_request_row, dispatchable_pro

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_stray_claim_steps_on_the_state_committed_before_its_lock(settings):
    settings.DISPATCH_WAVES = [(timedelta(0), 1, timedelta(minutes=10))]  # one pro at a time
    service = Service.objects.get(slug="menage-2h")
    first, second, third = (dispatchable_pro(services=[service], score=s) for s in (90, 80, 70))
    now = clock.now()
    customer, address = booking_customer()
    request = booking_request_row(
        customer=customer,
        address=address,
        service=service,
        start=(now + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0),
    )
    stray = Proposal.objects.create(
        request=request,
        pro=first,
        sent_at=now - timedelta(hours=1),
        expires_at=now - timedelta(minutes=1),
    )
    # What the wake-up sends next, written beforehand: inserting it while the sweep holds the
    # request would wait for that lock (its foreign key), so the wake-up only opens it.
    handed_on = Proposal.objects.create(
        request=request,
        pro=second,
        status=Proposal.Status.WITHDRAWN,
        sent_at=now,
        expires_at=now + timedelta(minutes=10),
    )
    # Its due time does not say the proposal is due: only the stray claim finds it.
    BookingRequest.objects.filter(pk=request.pk).update(next_dispatch_at=now + timedelta(hours=1))

    def wake_up_commits():
        try:
            Proposal.objects.filter(pk=stray.pk).update(status=Proposal.Status.EXPIRED)
            Proposal.objects.filter(pk=handed_on.pk).update(status=Proposal.Status.SENT)
        finally:
            connection.close()

    opened = []

    def open_the_window(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "FOR UPDATE OF r SKIP LOCKED" in sql and "q.expires_at <=" in sql and not opened:
            opened.append(True)
            other = threading.Thread(target=wake_up_commits)
            other.start()
            other.join(timeout=30)
            assert not other.is_alive()
        return result

    with connection.execute_wrapper(open_the_window):
        engine.sweep_pass()

    assert opened
    open_ones = Proposal.objects.filter(request=request, status=Proposal.Status.SENT)
    assert list(open_ones.values_list("pro_id", flat=True)) == [second.pk]
    assert not Proposal.objects.filter(request=request, pro=third).exists()
    assert not BookingEvent.objects.filter(request=request, kind="proposal_expired").exists()
