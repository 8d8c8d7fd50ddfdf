"""A cleaning pro's declarations: arrival from T-30 min, late, absent customer and no-show from
start + 30 min, done; refusals say the rule and write nothing."""

from datetime import timedelta

import pytest
from django.core import mail

from checkin import services
from checkin.errors import DeclarationDeadlinePassed, DeclarationNotAllowed
from checkin.models import BillableItem, Outcome
from core.errors import InvalidInput, NotFound
from notifications.models import Notification
from tests.checkin.helpers import NOW, at, kinds, record_of
from tests.factories import dispatchable_pro

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def declare(booking, kind, **values):
    return services.declaration_make(booking=booking, pro=booking.pro, kind=kind, **values)


def test_arrival_opens_30_minutes_before_the_start_exactly(clock, session):
    booking = session(NOW + timedelta(minutes=30) + SECOND)
    with pytest.raises(DeclarationNotAllowed) as refused:
        declare(booking, "arrival")
    assert "lundi 2 mars à 09:00" in str(refused.value.message)  # when it opens (09:00:01)
    assert record_of(booking).arrived_at is None

    clock.shift(SECOND)
    record = declare(booking, "arrival")
    assert record.arrived_at == NOW + SECOND
    assert kinds(booking)[-1] == "session_arrival"


def test_declaring_arrival_twice_keeps_the_first_time(clock, session):
    booking = session(NOW + timedelta(minutes=20))
    declare(booking, "arrival")
    clock.shift(timedelta(minutes=5))
    assert declare(booking, "arrival").arrived_at == NOW
    assert kinds(booking).count("session_arrival") == 1


def test_late_tells_the_customer_the_expected_arrival(clock, session, customer):
    booking = session(NOW + timedelta(minutes=20))  # 09:20
    record = declare(booking, "late", minutes=15)
    assert record.late_minutes == 15
    assert record.expected_arrival_at == booking.start + timedelta(minutes=15)
    message = Notification.objects.get(user=customer.user, kind="session_late")
    assert "09:35" in message.title


def test_late_after_the_start_counts_from_now(clock, session):
    booking = session(NOW - timedelta(minutes=10))
    record = declare(booking, "late", minutes=20)
    assert record.expected_arrival_at == NOW + timedelta(minutes=20)


@pytest.mark.parametrize("minutes", [4, 121, None, "10"])
def test_late_minutes_out_of_range_are_refused_with_the_field(clock, session, minutes):
    booking = session(NOW + timedelta(minutes=10))
    with pytest.raises(InvalidInput) as refused:
        declare(booking, "late", minutes=minutes)
    assert "minutes" in refused.value.fields
    assert record_of(booking).late_minutes is None
    assert "session_late" not in kinds(booking)


def test_customer_absent_reminds_the_customer_and_says_when_to_leave(clock, session, customer):
    booking = session(NOW)
    record = declare(booking, "customer_absent")
    assert record.absence_reported_at == NOW
    assert Notification.objects.filter(user=customer.user, kind="session_customer_absent").exists()
    with pytest.raises(DeclarationNotAllowed) as refused:
        declare(booking, "no_show")
    assert "09:30" in str(refused.value.message)


def test_no_show_from_start_plus_30_bills_the_absence_fee(
    clock, session, customer, django_capture_on_commit_callbacks
):
    booking = session(NOW - timedelta(minutes=30) + SECOND)
    with pytest.raises(DeclarationNotAllowed):
        declare(booking, "no_show")
    clock.shift(SECOND)  # start + 30 min exactly
    with django_capture_on_commit_callbacks(execute=True):
        record = declare(booking, "no_show")
    assert record.outcome == Outcome.NO_SHOW
    item = BillableItem.objects.get(booking=booking)
    # 2 h of cleaning costs 51.84 €: 100 % capped at 40 €; the pro gets it net of 15 %.
    assert (item.kind, item.amount_cents, item.pro_share_cents) == ("no_show_fee", 4000, 3400)
    assert item.billable_on == NOW.date() + timedelta(days=1)
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert Notification.objects.filter(user=customer.user, kind="session_no_show").exists()
    assert any("40,00" in email.body for email in mail.outbox)


def test_done_makes_the_session_billable_the_next_day(clock, session, pro):
    booking = session(NOW - timedelta(hours=2))
    record = declare(booking, "done", actual_minutes=125)
    assert (record.outcome, record.actual_minutes) == (Outcome.DONE, 125)
    item = BillableItem.objects.get(booking=booking)
    assert (item.kind, item.amount_cents, item.pro_share_cents) == (
        "session",
        booking.price_cents,
        booking.pro_net_cents,
    )
    assert item.billable_on == NOW.date() + timedelta(days=1)
    booking.refresh_from_db()
    pro.refresh_from_db()
    assert booking.status == "completed" and pro.completed_sessions_count == 1
    assert kinds(booking)[-2:] == ["booking_completed", "session_done"]


def test_done_twice_answers_the_same_and_bills_once(clock, session):
    booking = session(NOW - timedelta(hours=1))
    declare(booking, "done")
    declare(booking, "done")
    assert BillableItem.objects.filter(booking=booking).count() == 1


def test_done_refused_before_the_start(clock, session):
    booking = session(NOW + timedelta(minutes=10))
    with pytest.raises(DeclarationNotAllowed):
        declare(booking, "done")


def test_a_closed_session_refuses_other_declarations(clock, session):
    booking = session(NOW - timedelta(hours=1))
    declare(booking, "done")
    with pytest.raises(DeclarationNotAllowed) as refused:
        declare(booking, "no_show")
    assert "closed" in str(refused.value.message).lower() or "clôtur" in str(refused.value.message)


def test_declarations_end_with_day_5_in_paris(clock, session):
    booking = session(at(0, 8))  # Monday 2 March: declarable until Saturday 7, 23:59:59
    clock.move_to(at(6, 0) - SECOND)
    declare(booking, "arrival")
    clock.move_to(at(6, 0))
    with pytest.raises(DeclarationDeadlinePassed):
        declare(booking, "done")
    assert record_of(booking).outcome == Outcome.PENDING  # the sweep closes it


def test_another_pros_booking_is_not_found(clock, session, cleaning):
    booking = session(NOW)
    other = dispatchable_pro(services=[cleaning])
    with pytest.raises(NotFound):
        services.declaration_make(booking=booking, pro=other, kind="arrival")
    assert record_of(booking).arrived_at is None


def test_other_categories_need_no_check_in(clock, session, massage):
    booking = session(NOW, service=massage)
    with pytest.raises(DeclarationNotAllowed):
        declare(booking, "arrival")
    assert record_of(booking).needs_declaration is False


def test_changed_moves_the_booking_and_an_hourly_price_follows(clock, session, customer):
    booking = session(at(2, 10))  # 2 h of cleaning, 51.84 €
    record = declare(booking, "changed", start=at(3, 14), end=at(3, 17))
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(3, 14), at(3, 17))
    assert (booking.price_cents, booking.pro_net_cents) == (7776, 7200 - 1080)
    assert record.declaration_deadline == at(9, 0)  # follows the new date
    assert "session_changed" in kinds(booking) and "booking_rescheduled" in kinds(booking)
    told = Notification.objects.get(user=customer.user, kind="session_changed")
    assert "77,76" in told.body


def test_changed_keeps_the_price_of_a_fixed_price_service(clock, session, massage):
    booking = session(at(2, 10), service=massage)
    price = booking.price_cents
    with pytest.raises(DeclarationNotAllowed):  # no check-in for a massage
        declare(booking, "changed", start=at(2, 11), end=at(2, 12, 30))
    from bookings import services as booking_services

    booking_services.booking_reschedule(
        booking=booking, start=at(2, 11), end=at(2, 12, 30), by=booking.pro.user
    )
    booking.refresh_from_db()
    assert booking.price_cents == price and booking.end == at(2, 12, 30)


def test_changed_into_another_session_is_an_agenda_conflict(clock, session):
    from bookings.errors import AgendaConflict

    first = session(at(2, 10))
    second = session(at(2, 14))
    with pytest.raises(AgendaConflict):
        declare(first, "changed", start=at(2, 12), end=at(2, 14))  # + 30 min travel buffer
    first.refresh_from_db()
    assert first.start == at(2, 10)
    assert "session_changed" not in kinds(first)
    declare(first, "changed", start=at(2, 11), end=at(2, 13, 30))  # ends 30 min before
    assert second.start == at(2, 14)
