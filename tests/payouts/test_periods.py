"""Payout periods at every boundary: weekly Tuesday..Monday paid Wednesday, arriving the
Monday after (shifted by French bank holidays); monthly batches 4 days before month end."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.clock import PARIS, paris_date
from payouts import periods


def test_a_tuesday_starts_a_weekly_period_and_the_monday_ends_it():
    # 2026-03-03 is a Tuesday, 2026-03-09 the Monday after.
    for day in (date(2026, 3, 3), date(2026, 3, 6), date(2026, 3, 9)):
        period = periods.weekly_period(day)
        assert (period.start, period.end) == (date(2026, 3, 3), date(2026, 3, 9))
        assert period.batch_on == date(2026, 3, 11)  # Wednesday
        assert period.arrival_on == date(2026, 3, 16)  # the Monday after
    assert periods.weekly_period(date(2026, 3, 2)).end == date(2026, 3, 2)  # Monday before
    assert periods.weekly_period(date(2026, 3, 10)).start == date(2026, 3, 10)


def test_tuesday_midnight_and_monday_235959_paris_fall_in_the_right_weeks():
    tuesday_midnight = datetime(2026, 3, 3, 0, 0, tzinfo=PARIS)
    monday_last_second = datetime(2026, 3, 9, 23, 59, 59, tzinfo=PARIS)
    monday_before = tuesday_midnight - timedelta(seconds=1)
    week = periods.weekly_period(paris_date(tuesday_midnight))
    assert paris_date(tuesday_midnight) in week
    assert paris_date(monday_last_second) in week
    assert paris_date(monday_before) not in week
    # Monday 23:59:59 Paris is already Monday 22:59:59 UTC: still the same week.
    assert paris_date(monday_last_second.astimezone(UTC)) == date(2026, 3, 9)
    assert paris_date(tuesday_midnight.astimezone(UTC)) == date(2026, 3, 3)  # Monday 23:00 UTC


def test_a_dst_week_is_still_tuesday_to_monday():
    # Clocks go forward on Sunday 2026-03-29 (the week 24..30 March has 167 hours).
    week = periods.weekly_period(date(2026, 3, 29))
    assert (week.start, week.end, week.batch_on) == (
        date(2026, 3, 24),
        date(2026, 3, 30),
        date(2026, 4, 1),
    )
    monday_late = datetime(2026, 3, 30, 23, 30, tzinfo=PARIS)  # 21:30 UTC after the change
    assert paris_date(monday_late) in week
    # Clocks go back on 2026-10-25.
    autumn = periods.weekly_period(date(2026, 10, 25))
    assert (autumn.start, autumn.end) == (date(2026, 10, 20), date(2026, 10, 26))


def test_a_bank_holiday_monday_moves_the_arrival_to_tuesday():
    # Easter Monday 2026-04-06: the batch of Wednesday 1 April arrives on Tuesday 7 April.
    week = periods.weekly_period(date(2026, 3, 29))
    assert week.batch_on == date(2026, 4, 1)
    assert week.arrival_on == date(2026, 4, 7)
    # Whit Monday 2026-05-25 too.
    assert periods.weekly_period(date(2026, 5, 15)).arrival_on == date(2026, 5, 26)


def test_the_batch_day_pays_the_period_that_ended_on_monday():
    assert periods.weekly_period_paid_on(date(2026, 3, 11)).start == date(2026, 3, 3)
    # Run late (Thursday, the next Tuesday): still that period.
    assert periods.weekly_period_paid_on(date(2026, 3, 12)).start == date(2026, 3, 3)
    assert periods.weekly_period_paid_on(date(2026, 3, 17)).start == date(2026, 3, 3)
    # Tuesday of the batch week: the previous batch's period.
    assert periods.weekly_period_paid_on(date(2026, 3, 10)).start == date(2026, 2, 24)
    assert periods.is_batch_day("weekly", date(2026, 3, 11))
    assert not periods.is_batch_day("weekly", date(2026, 3, 12))


def test_monthly_batch_runs_four_days_before_month_end():
    assert periods.monthly_batch_on(2026, 11) == date(2026, 11, 26)
    assert periods.monthly_batch_on(2026, 2) == date(2026, 2, 24)
    assert periods.monthly_batch_on(2028, 2) == date(2028, 2, 25)  # leap year
    november = periods.monthly_period(date(2026, 11, 10))
    assert (november.start, november.end, november.batch_on) == (
        date(2026, 10, 27),
        date(2026, 11, 25),
        date(2026, 11, 26),
    )
    assert november.arrival_on == date(2026, 12, 1)  # first business day of December


def test_the_last_days_of_a_month_go_to_next_months_batch():
    assert periods.monthly_period(date(2026, 11, 25)).batch_on == date(2026, 11, 26)
    assert periods.monthly_period(date(2026, 11, 26)).batch_on == date(2026, 12, 27)
    assert periods.monthly_period(date(2026, 11, 30)).batch_on == date(2026, 12, 27)
    december = periods.monthly_period(date(2026, 12, 31))
    assert december.batch_on == date(2027, 1, 27)
    assert december.start == date(2026, 12, 27)
    # January 2027 arrival: Monday 1 February.
    assert december.arrival_on == date(2027, 2, 1)
    # December's batch arrives after New Year's Day (a holiday) on the next business day.
    assert periods.monthly_period(date(2026, 12, 1)).arrival_on == date(2027, 1, 4)


def test_monthly_paid_on_and_days_setting():
    assert periods.monthly_period_paid_on(date(2026, 11, 26)).batch_on == date(2026, 11, 26)
    assert periods.monthly_period_paid_on(date(2026, 11, 25)).batch_on == date(2026, 10, 27)
    assert periods.monthly_period_paid_on(date(2027, 1, 3)).batch_on == date(2026, 12, 27)
    three = periods.monthly_period(date(2026, 11, 26), days_before_end=3)
    assert three.batch_on == date(2026, 11, 27)


def test_a_frequency_change_applies_from_the_next_period():
    # Asked on Thursday 5 March (weekly): from Tuesday 10 March.
    assert periods.frequency_change_starts_on("weekly", date(2026, 3, 5)) == date(2026, 3, 10)
    # Asked on 10 November (monthly): from the 26th (next monthly period).
    assert periods.frequency_change_starts_on("monthly", date(2026, 11, 10)) == date(2026, 11, 26)
    with pytest.raises(ValueError):
        periods.period_of("daily", date(2026, 3, 5))


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_every_day_is_in_exactly_one_period_of_each_kind(day):
    week = periods.weekly_period(day)
    assert day in week and week.start.weekday() == 1 and week.end.weekday() == 0
    assert (week.end - week.start).days == 6 and week.batch_on.weekday() == 2
    assert week.arrival_on >= week.batch_on + timedelta(days=5)
    assert periods.is_business_day(week.arrival_on)
    assert periods.weekly_period(week.end + timedelta(days=1)).start == week.end + timedelta(1)
    month = periods.monthly_period(day)
    assert day in month and month.batch_on == month.end + timedelta(days=1)
    assert periods.monthly_period(month.end + timedelta(days=1)).start == month.end + timedelta(1)
    assert periods.is_business_day(month.arrival_on) and month.arrival_on > month.batch_on
    assert periods.period_paid_on("monthly", month.batch_on) == month
    assert periods.period_paid_on("weekly", week.batch_on) == week
