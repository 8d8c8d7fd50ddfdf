"""Payout periods, pure: which sessions a batch pays, when it runs, when the money arrives.

All dates are Paris calendar dates (a session counts for the Paris date of its start).

- Weekly: sessions from Tuesday to the next Monday (inclusive) are paid by a batch on the
  Wednesday after that Monday; the money is expected the Monday after the batch, or the next
  French business day when that Monday is a bank holiday.
- Monthly: the batch runs `days_before_end` days before the last day of the month (default
  4: the 26th of a 30-day month) and pays the sessions from the previous batch day up to the
  day before this one; the last days of the month go to next month's batch. The money is
  expected on the first business day of the next month.

A batch pays every unpaid entry *up to* the end of its period (sessions declared late, or
held, join the next batch): a period names the batch, it does not fence old money out.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = (WEEKLY, MONTHLY)

TUESDAY, WEDNESDAY = 1, 2
DEFAULT_MONTHLY_DAYS_BEFORE_END = 4


@dataclass(frozen=True)
class Period:
    frequency: str
    start: date  # first session day paid by this batch (Paris)
    end: date  # last session day paid by this batch (Paris), inclusive
    batch_on: date  # the day the batch runs and the transfer leaves
    arrival_on: date  # the day the money is expected on the pro's bank account

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def key(self) -> str:
        return f"{self.frequency}-{self.start.isoformat()}"


# --- French business days -------------------------------------------------------------------


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.France(years=year))


def is_business_day(day: date) -> bool:
    """Banks move money on weekdays that are not French public holidays."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def business_day_on_or_after(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


# --- weekly -----------------------------------------------------------------------------------


def weekly_period(day: date) -> Period:
    """The weekly period whose sessions include `day` (Tuesday..Monday)."""
    start = day - timedelta(days=(day.weekday() - TUESDAY) % 7)
    end = start + timedelta(days=6)  # Monday
    batch_on = end + timedelta(days=2)  # Wednesday
    arrival_on = business_day_on_or_after(batch_on + timedelta(days=5))  # the Monday after
    return Period(WEEKLY, start, end, batch_on, arrival_on)


def weekly_period_paid_on(day: date) -> Period:
    """The period of the latest weekly batch on or before `day` (the Wednesday itself, or the
    last one before it: a batch run late still pays the same period)."""
    wednesday = day - timedelta(days=(day.weekday() - WEDNESDAY) % 7)
    return weekly_period(wednesday - timedelta(days=2))


# --- monthly ----------------------------------------------------------------------------------


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def monthly_batch_on(
    year: int, month: int, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> date:
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, last_day) - timedelta(days=days_before_end)


def _monthly(
    year: int, month: int, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> Period:
    batch_on = monthly_batch_on(year, month, days_before_end=days_before_end)
    start = monthly_batch_on(*_month_before(year, month), days_before_end=days_before_end)
    next_year, next_month = _month_after(year, month)
    arrival_on = business_day_on_or_after(
        max(date(next_year, next_month, 1), batch_on + timedelta(days=1))
    )
    return Period(MONTHLY, start, batch_on - timedelta(days=1), batch_on, arrival_on)


def monthly_period(day: date, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END) -> Period:
    """The monthly period whose sessions include `day`: this month's batch if `day` is before
    it, else next month's."""
    if day < monthly_batch_on(day.year, day.month, days_before_end=days_before_end):
        return _monthly(day.year, day.month, days_before_end=days_before_end)
    return _monthly(*_month_after(day.year, day.month), days_before_end=days_before_end)


def monthly_period_paid_on(
    day: date, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> Period:
    """The period of the latest monthly batch on or before `day`."""
    if day >= monthly_batch_on(day.year, day.month, days_before_end=days_before_end):
        return _monthly(day.year, day.month, days_before_end=days_before_end)
    return _monthly(*_month_before(day.year, day.month), days_before_end=days_before_end)


# --- either -----------------------------------------------------------------------------------


def period_of(
    frequency: str, day: date, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> Period:
    """The period of `frequency` whose sessions include `day`."""
    if frequency == WEEKLY:
        return weekly_period(day)
    if frequency == MONTHLY:
        return monthly_period(day, days_before_end=days_before_end)
    raise ValueError(f"unknown payout frequency {frequency!r}")


def period_paid_on(
    frequency: str, day: date, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> Period:
    """The period of the latest `frequency` batch on or before `day`."""
    if frequency == WEEKLY:
        return weekly_period_paid_on(day)
    if frequency == MONTHLY:
        return monthly_period_paid_on(day, days_before_end=days_before_end)
    raise ValueError(f"unknown payout frequency {frequency!r}")


def is_batch_day(
    frequency: str, day: date, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> bool:
    return period_paid_on(frequency, day, days_before_end=days_before_end).batch_on == day


def frequency_change_starts_on(
    current: str, day: date, *, days_before_end: int = DEFAULT_MONTHLY_DAYS_BEFORE_END
) -> date:
    """A change of frequency asked on `day` applies to sessions from the start of the next
    period of the `current` frequency (the period under way is paid as it began)."""
    return period_of(current, day, days_before_end=days_before_end).end + timedelta(days=1)
