"""The sweep (beat and `manage.py checkin_sweep`): the 5-day rule at day 5 23:59 vs day 6
00:00 Paris, across DST; sessions that need no check-in close by themselves; reminders on
day 1 and day 4; safe to run twice."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from bookings.models import Booking
from checkin import services
from checkin.models import BillableItem, Outcome, SessionRecord
from core.clock import PARIS
from notifications.models import Notification
from tests.checkin.helpers import NOW, at, kinds, record_of
from tests.factories import booking_row

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def sweep(now=None, **kwargs):
    return services.checkin_sweep(now=now, **kwargs)


def test_billing_is_cancelled_at_day_6_midnight_paris_not_before(clock, session):
    booking = session(at(0, 18))  # Monday 2 March
    clock.move_to(at(6, 0) - SECOND)  # Saturday 7 March, 23:59:59
    assert "billing_cancelled" not in [c.action for c in sweep()]
    assert record_of(booking).outcome == Outcome.PENDING
    clock.move_to(at(6, 0))
    changes = sweep()
    assert ("billing_cancelled", booking.pk) in [(c.action, c.booking_id) for c in changes]
    record = record_of(booking)
    assert record.outcome == Outcome.BILLING_CANCELLED
    assert not BillableItem.objects.filter(booking=booking).exists()
    assert kinds(booking)[-1] == "session_billing_cancelled"
    assert sweep() == []  # twice: nothing more


def test_the_deadline_across_the_spring_dst_change(clock, session):
    start = datetime(2026, 3, 27, 19, 0, tzinfo=PARIS)  # Friday; clocks go forward on Sunday
    booking = session(start)
    deadline = datetime(2026, 4, 1, 22, 0, tzinfo=UTC)  # Thursday 2 April 00:00 Paris (UTC+2)
    assert record_of(booking).declaration_deadline == deadline
    clock.move_to(deadline - SECOND)
    sweep()
    assert record_of(booking).is_pending
    clock.move_to(deadline)
    sweep()
    assert record_of(booking).outcome == Outcome.BILLING_CANCELLED


def test_the_deadline_across_the_autumn_dst_change(clock, session):
    clock.move_to(datetime(2026, 10, 20, 9, 0, tzinfo=PARIS))
    booking = session(datetime(2026, 10, 24, 22, 0, tzinfo=PARIS))  # the night clocks go back
    deadline = datetime(2026, 10, 29, 23, 0, tzinfo=UTC)  # Friday 30 Oct 00:00 Paris (UTC+1)
    assert record_of(booking).declaration_deadline == deadline
    sweep(now=deadline - SECOND)
    assert record_of(booking).is_pending
    sweep(now=deadline)
    assert record_of(booking).outcome == Outcome.BILLING_CANCELLED


def test_non_cleaning_sessions_close_by_themselves_at_their_end(clock, session, massage, pro):
    booking = session(NOW - timedelta(minutes=60), service=massage)  # 60 min: ends now
    clock.shift(-SECOND)
    assert sweep() == []
    clock.shift(SECOND)
    (change,) = sweep()
    assert change.action == "auto_completed"
    record = record_of(booking)
    assert record.outcome == Outcome.DONE
    item = BillableItem.objects.get(booking=booking)
    assert item.kind == "session" and item.billable_on == NOW.date() + timedelta(days=1)
    booking.refresh_from_db()
    pro.refresh_from_db()
    assert booking.status == "completed" and pro.completed_sessions_count == 1
    assert sweep() == []


def test_a_late_sweep_still_bills_the_day_after_the_end(clock, session, massage):
    booking = session(at(0, 22), service=massage)  # ends 23:00 Monday
    clock.move_to(at(1, 0, 30))
    sweep()
    assert BillableItem.objects.get(booking=booking).billable_on == at(1, 0).date()


def test_reminders_on_day_1_and_day_4_at_ten(
    clock, session, pro, django_capture_on_commit_callbacks
):
    booking = session(at(0, 14))
    clock.move_to(at(1, 10) - SECOND)
    assert sweep() == []
    clock.move_to(at(1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert [c.action for c in sweep()] == ["reminded"]
    assert [m.to for m in mail.outbox] == [[pro.user.email]]  # and an e-mail
    assert sweep() == []
    clock.move_to(at(4, 10))
    assert [c.action for c in sweep()] == ["reminded"]
    reminders = Notification.objects.filter(user=pro.user, kind="session_declare_reminder")
    assert reminders.count() == 2
    assert "2" in reminders.order_by("id").last().body  # 2 days left on day 4
    clock.move_to(at(5, 12))
    assert sweep() == []
    assert record_of(booking).next_reminder_at is None


def test_a_declared_session_gets_no_reminder(clock, session):
    booking = session(at(0, 8))
    services.declaration_make(booking=booking, pro=booking.pro, kind="done")
    clock.move_to(at(1, 10))
    assert sweep() == []


def test_records_missing_or_left_behind_are_caught_up(clock, pro, customer_address, cleaning):
    customer, address = customer_address
    booking = booking_row(
        pro=pro, customer=customer, address=address, service=cleaning, start=at(1, 9)
    )
    (change,) = sweep()
    assert change.action == "opened" and record_of(booking).is_pending
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")  # e.g. the bookings admin
    (change,) = sweep()
    assert change.action == "closed_with_booking"
    assert record_of(booking).outcome == Outcome.CANCELLED_BY_CUSTOMER


def test_the_command_prints_what_it_changes_and_dry_run_changes_nothing(clock, session):
    booking = session(at(0, 18))
    out = StringIO()
    call_command("checkin_sweep", "--now", "2026-03-08T00:00:00+01:00", "--dry-run", stdout=out)
    assert f"billing_cancelled: booking #{booking.pk}" in out.getvalue()
    assert "would change" in out.getvalue()
    assert record_of(booking).is_pending

    out = StringIO()
    call_command("checkin_sweep", "--now", "2026-03-08T00:00:00+01:00", stdout=out)
    assert f"billing_cancelled: booking #{booking.pk}" in out.getvalue()
    assert record_of(booking).outcome == Outcome.BILLING_CANCELLED

    out = StringIO()
    call_command("checkin_sweep", "--now", "2026-03-08T00:00:00+01:00", stdout=out)
    assert "did change 0 session(s)" in out.getvalue()


def test_the_command_refuses_a_naive_time(clock):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("checkin_sweep", "--now", "2026-03-08T00:00:00")


def test_the_backfill_migration_opens_records_for_confirmed_bookings(
    clock, pro, customer_address, cleaning, massage
):
    import importlib

    from django.apps import apps

    customer, address = customer_address
    confirmed = booking_row(
        pro=pro, customer=customer, address=address, service=cleaning, start=at(2, 9)
    )
    other = booking_row(
        pro=pro, customer=customer, address=address, service=massage, start=at(3, 9)
    )
    done = booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=cleaning,
        start=at(-3, 9),
        status="completed",
    )
    migration = importlib.import_module("checkin.migrations.0002_backfill_session_records")
    migration.backfill(apps, None)
    record = record_of(confirmed)
    assert record.needs_declaration and record.declaration_deadline == at(8, 0)
    assert record.next_reminder_at == at(3, 10)
    assert record_of(other).closes_at == other.end and not record_of(other).needs_declaration
    assert not SessionRecord.objects.filter(booking=done).exists()


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("fr", 1, "Il vous reste 1 jour ;"),
        ("fr", 4, "Il vous reste 4 jours ;"),
        ("en", 1, "1 day left;"),
        ("en", 4, "4 days left;"),
    ],
)
def test_the_reminder_counts_its_days_in_the_reader_s_language(language, days, expected):
    from django.utils import translation

    from notifications.kinds import render

    params = {"service": {"fr": "Ménage", "en": "Cleaning"}, "days_left": days}
    with translation.override(language):
        assert expected in render("session_declare_reminder", params).body
