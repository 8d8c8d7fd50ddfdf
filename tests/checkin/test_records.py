"""Every confirmed booking gets its session record, opened on commit by the booking_confirmed
signal (and by the sweep as a safety net)."""

from datetime import timedelta

import pytest

from bookings import services as booking_services
from bookings import tasks
from checkin.models import SessionRecord
from tests.checkin.helpers import NOW, at, kinds

pytestmark = pytest.mark.django_db


def test_accepting_a_proposal_opens_the_record_on_commit(
    clock, pro, customer_address, cleaning, django_capture_on_commit_callbacks
):
    customer, address = customer_address
    request = booking_services.booking_request_create(
        customer=customer, service=cleaning, address=address, start=at(3, 10)
    )
    tasks.dispatch_request(request.pk)
    proposal = request.proposals.get(pro=pro)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = booking_services.proposal_accept(proposal=proposal, pro=pro)
    assert not SessionRecord.objects.filter(booking=booking).exists()  # not before the commit
    for callback in callbacks:
        callback()
    record = SessionRecord.objects.get(booking=booking)
    assert record.needs_declaration and record.pro_id == pro.pk
    assert record.declaration_deadline == at(9, 0)
    assert record.next_reminder_at == at(4, 10)
    assert kinds(booking)[-1] == "session_record_opened"


def test_opening_twice_keeps_one_record(clock, session):
    from checkin import services

    booking = session(NOW + timedelta(days=1))
    services.session_record_open(booking=booking)
    assert SessionRecord.objects.filter(booking=booking).count() == 1
    assert kinds(booking).count("session_record_opened") == 1


def test_a_failing_receiver_does_not_break_the_confirmation(monkeypatch, clock, session, caplog):
    from checkin import receivers

    def boom(**kwargs):
        raise RuntimeError("database hiccup")

    booking = session(NOW + timedelta(days=1))
    monkeypatch.setattr(receivers.services, "session_record_open", boom)
    receivers.open_record_on_confirmation(sender=None, booking=booking)
    assert "the sweep will" in caplog.text
