from datetime import UTC, date, datetime, time

from core import clock


def test_paris_datetime_follows_dst():
    winter = clock.paris_datetime(date(2026, 3, 28), time(9, 0))
    summer = clock.paris_datetime(date(2026, 3, 29), time(9, 0))  # DST starts 29 March 2026
    assert winter.astimezone(UTC).hour == 8
    assert summer.astimezone(UTC).hour == 7


def test_day_after_is_the_paris_calendar_day():
    # 23:30 UTC on 31 Oct is already 1 Nov in Paris (UTC+1 after DST ends on 25 Oct 2026).
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    assert clock.paris_date(late) == date(2026, 11, 1)
    assert clock.day_after(late) == date(2026, 11, 2)


def test_day_after_across_dst_end():
    evening = clock.paris_datetime(date(2026, 10, 24), time(22, 30))  # night DST ends
    assert clock.day_after(evening) == date(2026, 10, 25)
    assert clock.days_after(evening, 5) == date(2026, 10, 29)


def test_next_weekday_is_strictly_after():
    monday = date(2026, 11, 23)
    assert clock.next_weekday(monday, 2) == date(2026, 11, 25)  # Wednesday
    assert clock.next_weekday(monday, 0) == date(2026, 11, 30)  # next Monday, not today
