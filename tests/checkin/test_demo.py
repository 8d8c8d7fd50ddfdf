"""seed_demo's check-in sessions: there, declarable as the README says, idempotent; the sweep
then cancels the billing of the undeclared one and closes the massage."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from bookings.models import Booking
from checkin import rules, selectors, services
from checkin.models import Outcome, SessionRecord
from core.clock import PARIS

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=PARIS)  # a Wednesday


def _booking(pro_email, customer_email, **filters):
    return Booking.objects.filter(
        pro__user__email=pro_email, customer__user__email=customer_email, **filters
    )


def test_the_demo_sessions_for_check_in():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", verbosity=0)
        count = SessionRecord.objects.count()
        call_command("seed_demo", verbosity=0)
        assert SessionRecord.objects.count() == count  # idempotent

        soon = _booking("pro1@example.com", "customer2@example.com", start__gt=NOW).get()
        assert soon.start == NOW + timedelta(minutes=20)
        record = selectors.record_for(soon)
        assert "arrival" in rules.allowed_declarations(record=record, now=NOW)

        pro1 = soon.pro
        to_declare = [r.booking.start for r in selectors.sessions_to_declare_for(pro1, now=NOW)]
        assert datetime(2026, 3, 3, 17, 0, tzinfo=PARIS) in to_declare
        assert soon.start in to_declare

        tomorrow = _booking("pro2@example.com", "customer1@example.com", start__gt=NOW).get()
        assert tomorrow.start == datetime(2026, 3, 5, 9, 0, tzinfo=PARIS)
        may_cancel, quote = selectors.customer_cancellation(booking=tomorrow, now=NOW)
        assert may_cancel and quote.fee_cents == 0 and quote.next_fee_cents == 1000

        changes = {(c.action, c.booking_id) for c in services.checkin_sweep()}
        old = _booking(
            "pro1@example.com",
            "customer2@example.com",
            start=datetime(2026, 2, 26, 17, 0, tzinfo=PARIS),
        ).get()
        massage = _booking(
            "pro3@example.com", "customer3@example.com", start__date="2026-03-04"
        ).get()
        assert ("billing_cancelled", old.pk) in changes
        assert ("auto_completed", massage.pk) in changes
        assert selectors.record_for(old).outcome == Outcome.BILLING_CANCELLED
        assert selectors.record_for(massage).outcome == Outcome.DONE
