"""The pure time and fee rules, at their exact boundaries and across the DST changes of 2026
(29 March: 02:00 -> 03:00; 25 October: 03:00 -> 02:00)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from checkin import rules
from checkin.models import BillableItem, Declaration, Outcome
from core.clock import PARIS

SECOND = timedelta(seconds=1)


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def record(start, *, cleaning=True, outcome=Outcome.PENDING, arrived=None, absent=None):
    end = start + timedelta(hours=2)
    booking = SimpleNamespace(start=start, end=end, status="confirmed")
    rec = SimpleNamespace(
        booking=booking,
        outcome=outcome,
        needs_declaration=cleaning,
        arrived_at=arrived,
        absence_reported_at=absent,
        declaration_deadline=rules.declaration_deadline(start),
    )
    rec.get_outcome_display = lambda: Outcome(rec.outcome).label
    return rec


# --- deadline ---------------------------------------------------------------------------------


def test_deadline_is_the_end_of_day_5_in_paris():
    start = paris(2026, 3, 2, 18, 0)  # Monday
    deadline = rules.declaration_deadline(start)
    assert deadline == paris(2026, 3, 8, 0, 0)  # Sunday 00:00 = end of Saturday (day 5)
    assert not rules.deadline_passed(deadline, paris(2026, 3, 7, 23, 59, 59))
    assert rules.deadline_passed(deadline, paris(2026, 3, 8, 0, 0))
    assert rules.last_day_to_declare(deadline) == paris(2026, 3, 7).date()


def test_deadline_across_the_spring_dst_change():
    start = paris(2026, 3, 27, 22, 30)  # Friday, UTC+1; DST starts on Sunday 29
    deadline = rules.declaration_deadline(start)
    assert deadline == paris(2026, 4, 2, 0, 0)
    assert deadline.astimezone(UTC) == datetime(2026, 4, 1, 22, 0, tzinfo=UTC)  # UTC+2 by then


def test_deadline_across_the_autumn_dst_change():
    # 23:30 UTC on 24 Oct is 01:30 Paris on the 25th (summer time): the appointment date is 25.
    start = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    deadline = rules.declaration_deadline(start)
    assert deadline == paris(2026, 10, 31, 0, 0)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 30, 23, 0, tzinfo=UTC)  # UTC+1


def test_days_left_counts_paris_calendar_days():
    deadline = rules.declaration_deadline(paris(2026, 3, 2, 18, 0))
    assert rules.days_left_to_declare(deadline, paris(2026, 3, 2, 20, 0)) == 6
    assert rules.days_left_to_declare(deadline, paris(2026, 3, 3, 9, 0)) == 5
    assert rules.days_left_to_declare(deadline, paris(2026, 3, 7, 23, 59)) == 1
    assert rules.days_left_to_declare(deadline, paris(2026, 3, 8, 0, 0)) == 0


def test_reminders_on_day_1_and_day_4_at_ten_across_dst():
    start = paris(2026, 3, 27, 18, 0)
    first, second = rules.reminder_times(start)
    assert first == paris(2026, 3, 28, 10, 0)
    assert second == paris(2026, 3, 31, 10, 0)  # after the change: 08:00 UTC
    assert second.astimezone(UTC).hour == 8
    assert rules.next_reminder_at(start) == first
    assert rules.next_reminder_at(start, after=first) == second
    assert rules.next_reminder_at(start, after=paris(2026, 4, 1, 9, 0)) is None


def test_billable_on_is_the_paris_day_after():
    assert (
        rules.billable_on(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == paris(2026, 11, 2).date()
    )


# --- what may be declared when -----------------------------------------------------------------


START = paris(2026, 3, 29, 9, 0)  # the morning DST starts (02:00 -> 03:00)


def allowed(rec, now):
    return set(rules.allowed_declarations(record=rec, now=now))


def test_check_in_opens_30_minutes_before_the_start_exactly():
    rec = record(START)
    opens = rules.check_in_opens_at(START)
    assert opens == paris(2026, 3, 29, 8, 30)
    assert Declaration.ARRIVAL not in allowed(rec, opens - SECOND)
    refusal = rules.declaration_refusal(Declaration.ARRIVAL, record=rec, now=opens - SECOND)
    assert "dimanche 29 mars à 08:30" in refusal
    assert Declaration.ARRIVAL in allowed(rec, opens)


def test_check_in_window_across_the_dst_night():
    start = paris(2026, 3, 29, 3, 15)  # 45 min after the clocks jumped: 01:15 UTC
    opens = rules.check_in_opens_at(start)
    assert opens == datetime(2026, 3, 29, 0, 45, tzinfo=UTC)  # 01:45 winter time
    assert rules.declaration_refusal(Declaration.ARRIVAL, record=record(start), now=opens) is None


def test_no_show_from_start_plus_30_minutes_exactly():
    rec = record(START)
    leave = rules.may_leave_at(START)
    assert leave == paris(2026, 3, 29, 9, 30)
    refusal = rules.declaration_refusal(Declaration.NO_SHOW, record=rec, now=leave - SECOND)
    assert "09:30" in refusal
    assert rules.declaration_refusal(Declaration.NO_SHOW, record=rec, now=leave) is None


def test_done_from_the_start():
    rec = record(START)
    assert rules.declaration_refusal(Declaration.DONE, record=rec, now=START - SECOND)
    assert rules.declaration_refusal(Declaration.DONE, record=rec, now=START) is None


def test_cancellations_and_changes_are_offered_before_check_in():
    early = allowed(record(START), START - timedelta(days=1))
    assert early == {
        Declaration.CHANGED,
        Declaration.CUSTOMER_WANTS_TO_CANCEL,
        Declaration.PRO_CANCELS,
    }


def test_once_recorded_arrival_and_absence_are_not_offered_again():
    rec = record(START, arrived=START, absent=START)
    offered = allowed(rec, START + timedelta(minutes=5))
    assert Declaration.ARRIVAL not in offered and Declaration.CUSTOMER_ABSENT not in offered
    assert Declaration.LATE not in offered  # already there
    assert Declaration.DONE in offered


def test_non_cleaning_sessions_only_offer_the_pro_cancellation():
    assert allowed(record(START, cleaning=False), START) == {Declaration.PRO_CANCELS}


def test_nothing_after_the_deadline_or_once_closed():
    rec = record(START)
    assert allowed(rec, rec.declaration_deadline) == set()
    assert allowed(rec, rec.declaration_deadline - SECOND)
    assert allowed(record(START, outcome=Outcome.DONE), START) == set()


# --- fees ---------------------------------------------------------------------------------------

PRICE = 5184  # 2 h of cleaning: 48 € + 8 % customer fee
BOOKED = paris(2026, 3, 1, 10, 0)
SESSION = paris(2026, 3, 2, 18, 0)


def fee(now, *, price=PRICE, booked=BOOKED, start=SESSION):
    return rules.customer_fee_at(price_cents=price, start=start, booked_at=booked, now=now)


@pytest.mark.parametrize(
    ("before_start", "expected"),
    [
        (timedelta(hours=8), 0),  # 8 h or more: free
        (timedelta(hours=8) - SECOND, 1000),  # 8-4 h: €10
        (timedelta(hours=4), 1000),
        (timedelta(hours=4) - SECOND, 2000),  # 4-2 h: 50 % = 25.92 capped at €20
        (timedelta(hours=2), 2000),
        (timedelta(hours=2) - SECOND, 3000),  # under 2 h: 80 % = 41.47 capped at €30
        (timedelta(0), 3000),
        (-timedelta(minutes=10), 3000),  # after the start
    ],
)
def test_customer_fee_tiers_at_their_boundaries(before_start, expected):
    assert fee(SESSION - before_start) == expected


def test_percent_tiers_below_their_caps():
    cheap = 2100  # €21: 50 % = 10.50, 80 % = 16.80
    assert fee(SESSION - timedelta(hours=3), price=cheap) == 1050
    assert fee(SESSION - timedelta(hours=1), price=cheap) == 1680
    assert fee(SESSION - timedelta(hours=5), price=800) == 800  # €10 never above the price


def test_free_within_15_minutes_of_booking_exactly():
    booked = SESSION - timedelta(hours=3)
    assert fee(booked + timedelta(minutes=15), booked=booked) == 0
    assert fee(booked + timedelta(minutes=15) + SECOND, booked=booked) == 2000


def test_absence_fee_is_the_price_capped_at_40():
    assert rules.absence_fee_cents(5184) == 4000
    assert rules.absence_fee_cents(3150) == 3150


def test_fee_split_gives_the_pro_the_fee_net_of_commission():
    split = rules.split(1000, commission_percent="15.00")
    assert (split.amount_cents, split.pro_share_cents, split.platform_share_cents) == (
        1000,
        850,
        150,
    )
    odd = rules.split(1005, commission_percent="15.00")  # 150.75 -> 151 (half up)
    assert (
        odd.pro_share_cents + odd.platform_share_cents == 1005 and odd.platform_share_cents == 151
    )


def test_quote_says_when_the_fee_changes():
    quote = rules.customer_cancellation_quote(
        price_cents=PRICE, start=SESSION, booked_at=BOOKED, now=SESSION - timedelta(hours=9)
    )
    assert (quote.fee_cents, quote.fee_until, quote.next_fee_cents) == (
        0,
        SESSION - timedelta(hours=8),
        1000,
    )
    late = rules.customer_cancellation_quote(
        price_cents=PRICE, start=SESSION, booked_at=BOOKED, now=SESSION - timedelta(minutes=5)
    )
    assert (late.fee_cents, late.fee_until, late.next_fee_cents) == (3000, None, None)


def test_quote_inside_the_free_quarter_of_hour():
    booked = SESSION - timedelta(hours=3)
    quote = rules.customer_cancellation_quote(
        price_cents=PRICE, start=SESSION, booked_at=booked, now=booked + timedelta(minutes=1)
    )
    assert (quote.fee_cents, quote.fee_until, quote.next_fee_cents) == (
        0,
        booked + timedelta(minutes=15),
        2000,
    )


def test_a_fee_is_waivable_until_the_day_it_is_charged():
    item = BillableItem(kind="cancellation_fee", billable_on=paris(2026, 3, 3).date())
    assert rules.fee_waivable(item, today=paris(2026, 3, 2).date())
    assert not rules.fee_waivable(item, today=paris(2026, 3, 3).date())
    assert not rules.fee_waivable(
        BillableItem(kind="session", billable_on=paris(2026, 3, 3).date()),
        today=paris(2026, 3, 2).date(),
    )


# --- pro cancellations ------------------------------------------------------------------------


def test_late_under_24_hours_and_redispatch_from_2_hours():
    assert not rules.is_late_pro_cancellation(start=SESSION, now=SESSION - timedelta(hours=24))
    assert rules.is_late_pro_cancellation(start=SESSION, now=SESSION - timedelta(hours=24) + SECOND)
    assert rules.redispatch_after_pro_cancellation(start=SESSION, now=SESSION - timedelta(hours=2))
    assert not rules.redispatch_after_pro_cancellation(
        start=SESSION, now=SESSION - timedelta(hours=2) + SECOND
    )


def test_three_late_cancellations_within_30_days_block_for_48_hours():
    now = paris(2026, 3, 31, 12, 0).astimezone(UTC)  # 30 days = 720 h, across the DST change
    two = [now - timedelta(days=29), now - timedelta(days=1)]
    assert rules.late_cancel_block_until(two, now=now) is None
    assert rules.late_cancel_block_until([*two, now], now=now) == now + timedelta(hours=48)
    old = [now - timedelta(days=30), now - timedelta(days=1), now]  # 30 days ago exactly: out
    assert rules.late_cancel_block_until(old, now=now) is None
