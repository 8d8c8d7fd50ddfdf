"""core.datefmt and `{% load dates %}`: French dates the French way, English ones the English
way, always in Paris time."""

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from core import datefmt

TUESDAY_FIRST = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 14:00 in Paris (CET, UTC+1)


def render(source: str, **context) -> str:
    return Template("{% load dates %}" + source).render(Context(context))


def test_first_of_the_month_is_1er_in_french_only():
    assert datefmt.long_day(TUESDAY_FIRST, "fr") == "mardi 1er décembre"
    assert datefmt.long_day(datetime(2026, 12, 2, 9, tzinfo=UTC), "fr") == "mercredi 2 décembre"
    assert datefmt.long_day(TUESDAY_FIRST, "en") == "Tuesday 1 December"
    assert datefmt.day_month(date(2027, 1, 1), "fr") == "1er janvier"
    assert datefmt.short_day(TUESDAY_FIRST, "fr") == "mar. 1er déc."
    assert datefmt.short_day(TUESDAY_FIRST, "en") == "Tue 1 Dec"


def test_short_date_uses_the_usual_abbreviations():
    day = date(2026, 11, 27)
    assert datefmt.short_date(day, "fr") == "27 nov. 2026"
    assert datefmt.short_date(day, "en") == "27 Nov 2026"
    assert datefmt.short_date(date(2026, 2, 3), "fr") == "3 févr. 2026"
    assert datefmt.short_date(date(2026, 6, 3), "fr") == "3 juin 2026"
    assert datefmt.numeric_date(day) == "27/11/2026"


def test_times_are_paris_wall_clock_whatever_timezone_is_active():
    with timezone.override(ZoneInfo("America/New_York")):
        assert datefmt.clock_time(TUESDAY_FIRST) == "14:00"
        assert datefmt.long_when(TUESDAY_FIRST, "fr") == "mardi 1er décembre à 14:00"
        assert datefmt.long_when(TUESDAY_FIRST, "en") == "Tuesday 1 December at 14:00"


def test_a_utc_moment_late_in_the_evening_is_the_next_day_in_paris():
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Paris
    assert datefmt.long_day(moment, "fr") == "mardi 1er décembre"
    assert datefmt.clock_time(moment) == "00:30"


def test_daylight_saving_changes():
    # Last Sunday of March 2026 (29th): 01:00 UTC is 03:00 CEST.
    assert datefmt.clock_time(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == "01:30"
    assert datefmt.clock_time(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == "03:30"
    # Last Sunday of October 2026 (25th): 02:30 happens twice.
    assert datefmt.clock_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "02:30"
    assert datefmt.clock_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "02:30"
    summer = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)
    assert datefmt.short_when(summer, "fr") == "mar. 14 juil. 14:00"
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 CEST
    end = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 03:00 CET: two real hours
    assert datefmt.time_range(start, end) == "02:00–03:00"
    assert datefmt.duration_between(start, end) == "2 h"


def test_durations_are_written_one_way():
    assert datefmt.duration(120) == "2 h"
    assert datefmt.duration(90) == "1 h 30"
    assert datefmt.duration(65) == "1 h 05"
    assert datefmt.duration(45) == "45 min"
    assert datefmt.duration(None) == ""


def test_filters_follow_the_active_language():
    source = "{{ d|long_day }} · {{ d|short_date }} · {{ d|clock }} · {{ m|duration }}"
    with translation.override("fr"):
        assert (
            render(source, d=TUESDAY_FIRST, m=150)
            == "mardi 1er décembre · 1er déc. 2026 · 14:00 · 2 h 30"
        )
    with translation.override("en"):
        assert (
            render(source, d=TUESDAY_FIRST, m=150)
            == "Tuesday 1 December · 1 Dec 2026 · 14:00 · 2 h 30"
        )


def test_filters_take_plain_times_and_ranges():
    end = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    assert render("{{ t|clock }}", t=time(9, 5)) == "09:05"
    assert render("{{ a|time_range:b }} ({{ a|duration_between:b }})", a=TUESDAY_FIRST, b=end) == (
        "14:00–16:30 (2 h 30)"
    )
    assert render("{{ a|stamp }}", a=TUESDAY_FIRST) == "1er déc., 14:00"


def test_empty_values_render_nothing():
    assert (
        render("[{{ x|long_day }}{{ x|clock }}{{ x|short_date }}{{ x|duration }}]", x=None) == "[]"
    )


def test_time_left_counts_like_the_browser_countdown():
    expires = TUESDAY_FIRST
    assert datefmt.time_left(expires, now=expires - timedelta(minutes=4, seconds=1)) == "4:01"
    assert datefmt.time_left(expires, now=expires - timedelta(minutes=65)) == "1 h 05"
    assert datefmt.time_left(expires, now=expires + timedelta(seconds=3)) == "0:00"


# Pages write dates only through `{% load dates %}`; machine-readable `|date:"c"` is fine.
FORMATTED_BY_HAND = re.compile(
    r"\|date:(?![\"']c[\"'])|\|time:|\|timeuntil|\|timesince|naturaltime"
)
NOT_YET_CONVERTED = {"notifications/devices.html"}  # owned elsewhere; remove once converted


def test_no_template_formats_a_date_by_itself():
    templates = Path(settings.BASE_DIR) / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if FORMATTED_BY_HAND.search(path.read_text())
        and str(path.relative_to(templates)) not in NOT_YET_CONVERTED
    ]
    assert offenders == []
