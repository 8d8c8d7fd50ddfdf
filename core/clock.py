"""Paris-time helpers: every calendar rule ("the day after", "Wednesday", "5 days after")
is computed in Europe/Paris, then stored as aware UTC datetimes."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")


def now() -> datetime:
    return timezone.now()


def to_paris(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("naive datetime")
    return moment.astimezone(PARIS)


def paris_date(moment: datetime) -> date:
    return to_paris(moment).date()


def today() -> date:
    return paris_date(now())


def paris_datetime(day: date, at: time) -> datetime:
    """The aware moment at wall-clock `at` on `day` in Paris (DST-correct)."""
    return datetime.combine(day, at).replace(tzinfo=PARIS)


def start_of_paris_day(day: date) -> datetime:
    return paris_datetime(day, time(0, 0))


def day_after(moment: datetime) -> date:
    return paris_date(moment) + timedelta(days=1)


def days_after(moment: datetime, days: int) -> date:
    return paris_date(moment) + timedelta(days=days)


def next_weekday(day: date, weekday: int) -> date:
    """The first date strictly after `day` that falls on `weekday` (Monday=0)."""
    ahead = (weekday - day.weekday() - 1) % 7 + 1
    return day + timedelta(days=ahead)
