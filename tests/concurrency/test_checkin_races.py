"""Real threads on real PostgreSQL: two closings of one session end in exactly one outcome
(the record lock, taken first by every checkin transition, decides)."""

from datetime import timedelta

import pytest

from catalog.models import Service
from checkin import services
from checkin.errors import DeclarationDeadlinePassed, DeclarationNotAllowed
from checkin.models import BillableItem, Outcome, SessionRecord
from core import clock
from tests.concurrency.threads import run_together
from tests.factories import ProFactory, booking_customer, booking_row

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _session(pro, start):
    service = Service.objects.get(slug="menage-2h")
    customer, address = booking_customer()
    booking = booking_row(pro=pro, customer=customer, address=address, service=service, start=start)
    services.session_record_open(booking=booking)
    return booking


def test_done_racing_pro_cancels_ends_in_one_outcome():
    pro = ProFactory(bare_active=True)
    for round_ in range(6):
        # Started an hour ago (done is allowed), on different days so the agenda never overlaps.
        start = clock.now() - timedelta(hours=1, days=round_)
        booking = _session(pro, start)
        results = run_together(
            [
                lambda b=booking: services.declaration_make(booking=b, pro=pro, kind="done"),
                lambda b=booking: services.declaration_make(
                    booking=b, pro=pro, kind="pro_cancels", reason="race"
                ),
            ]
        )
        refused = [r for r in results if isinstance(r, DeclarationNotAllowed)]
        won = [r for r in results if isinstance(r, SessionRecord)]
        assert len(won) == 1 and len(refused) == 1, results
        record = SessionRecord.objects.get(booking=booking)
        booking.refresh_from_db()
        if record.outcome == Outcome.DONE:
            assert booking.status == "completed"
            assert BillableItem.objects.filter(booking=booking, kind="session").count() == 1
        else:
            assert record.outcome == Outcome.CANCELLED_BY_PRO
            assert booking.status == "cancelled"
            assert not BillableItem.objects.filter(booking=booking).exists()


def test_the_sweep_racing_a_done_at_the_deadline_ends_in_one_outcome():
    pro = ProFactory(bare_active=True)
    outcomes = set()
    for round_ in range(6):
        booking = _session(pro, clock.now() - timedelta(days=6 + round_))
        record = SessionRecord.objects.get(booking=booking)
        # The deadline is "now" for both: move it to a hair ahead, so the declaration is still
        # on time when it reads the clock and the sweep's cut-off already covers it.
        deadline = clock.now() + timedelta(milliseconds=30)
        SessionRecord.objects.filter(pk=record.pk).update(declaration_deadline=deadline)
        results = run_together(
            [
                lambda b=booking: services.declaration_make(booking=b, pro=pro, kind="done"),
                lambda d=deadline: services.checkin_sweep(now=d),
            ]
        )
        record.refresh_from_db()
        done = results[0]
        if isinstance(done, SessionRecord):
            assert record.outcome == Outcome.DONE
            assert BillableItem.objects.filter(booking=booking).count() == 1
        else:
            assert isinstance(done, DeclarationDeadlinePassed), results
            # If the sweep found the row locked by the refused declaration, the next run takes it.
            services.checkin_sweep(now=deadline)
            record.refresh_from_db()
            assert record.outcome == Outcome.BILLING_CANCELLED
            assert not BillableItem.objects.filter(booking=booking).exists()
        outcomes.add(record.outcome)
    assert outcomes <= {Outcome.DONE, Outcome.BILLING_CANCELLED}
