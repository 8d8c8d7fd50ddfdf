"""Dates, times and durations as people read them, in the active language, always in Paris time.

One place for every displayed date (templates use `{% load dates %}`, which registers these
functions as filters; Python code that builds a display string calls them directly):

    long_day(d)        "mardi 1er décembre"            "Tuesday 1 December"
    long_day_year(d)   "mardi 1er décembre 2026"       "Tuesday 1 December 2026"
    short_day(d)       "mar. 1er déc."                 "Tue 1 Dec"
    day_month(d)       "1er décembre"                  "1 December"
    short_day_month(d) "1er déc."                      "1 Dec"
    short_date(d)      "27 nov. 2026"                  "27 Nov 2026"
    numeric_date(d)    "27/11/2026"                    "27/11/2026"
    clock(dt)          "14:00"                         "14:00"
    long_when(dt)      "mardi 1er décembre à 14:00"    "Tuesday 1 December at 14:00"
    short_when(dt)     "mar. 1er déc. 14:00"           "Tue 1 Dec 14:00"
    stamp(dt)          "27 nov., 14:00"                "27 Nov, 14:00"   (messages, timelines)
    time_range(a, b)   "14:00–16:00"
    duration(minutes)  "2 h", "1 h 30", "45 min"
    duration_between(a, b)  the same, from two datetimes

Aware datetimes are converted to Europe/Paris whatever timezone is active; naive datetimes and
dates are taken as they are. None or "" gives "". `language` defaults to the active one; any
language other than French is written in English.
"""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import get_language

from core import clock

_FR_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_FR_MONTHS_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip
_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FR_DAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_EN_MONTHS_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_DAYS_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _is_french(language: str | None) -> bool:
    return (language or get_language() or "fr").lower().startswith("fr")


def _local(value):
    """An aware datetime in Paris time; a naive datetime or a date as it is."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return clock.to_paris(value)
    return value


def _day_number(day: int, french: bool) -> str:
    return "1er" if french and day == 1 else str(day)


def _parts(value, language, *, short_month=False, short_weekday=False):
    moment = _local(value)
    french = _is_french(language)
    if french:
        months = _FR_MONTHS_SHORT if short_month else _FR_MONTHS
        days = _FR_DAYS_SHORT if short_weekday else _FR_DAYS
    else:
        months = _EN_MONTHS_SHORT if short_month else _EN_MONTHS
        days = _EN_DAYS_SHORT if short_weekday else _EN_DAYS
    return (
        moment,
        french,
        days[moment.weekday()],
        _day_number(moment.day, french),
        months[moment.month - 1],
    )


def _empty(value) -> bool:
    return value is None or value == "" or not isinstance(value, (date, datetime))


def long_day(value, language=None) -> str:
    if _empty(value):
        return ""
    _, _, weekday, day, month = _parts(value, language)
    return f"{weekday} {day} {month}"


def long_day_year(value, language=None) -> str:
    if _empty(value):
        return ""
    moment, _, weekday, day, month = _parts(value, language)
    return f"{weekday} {day} {month} {moment.year}"


def short_day(value, language=None) -> str:
    if _empty(value):
        return ""
    _, _, weekday, day, month = _parts(value, language, short_month=True, short_weekday=True)
    return f"{weekday} {day} {month}"


def day_month(value, language=None) -> str:
    if _empty(value):
        return ""
    _, _, _, day, month = _parts(value, language)
    return f"{day} {month}"


def short_day_month(value, language=None) -> str:
    if _empty(value):
        return ""
    _, _, _, day, month = _parts(value, language, short_month=True)
    return f"{day} {month}"


def short_date(value, language=None) -> str:
    if _empty(value):
        return ""
    moment, _, _, day, month = _parts(value, language, short_month=True)
    return f"{day} {month} {moment.year}"


def numeric_date(value, language=None) -> str:
    if _empty(value):
        return ""
    moment = _local(value)
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"


def clock_time(value, language=None) -> str:
    if value is None or value == "" or not isinstance(value, (datetime, time)):
        return ""
    moment = _local(value)
    return f"{moment.hour:02d}:{moment.minute:02d}"


def long_when(value, language=None) -> str:
    if _empty(value):
        return ""
    link = "à" if _is_french(language) else "at"
    return f"{long_day(value, language)} {link} {clock_time(value)}"


def short_when(value, language=None) -> str:
    if _empty(value):
        return ""
    return f"{short_day(value, language)} {clock_time(value)}"


def stamp(value, language=None) -> str:
    if _empty(value):
        return ""
    return f"{short_day_month(value, language)}, {clock_time(value)}"


def time_range(start, end) -> str:
    if _empty(start) or _empty(end):
        return ""
    return f"{clock_time(start)}–{clock_time(end)}"


def duration(minutes) -> str:
    """120 -> "2 h", 90 -> "1 h 30", 45 -> "45 min" (the same in French and English)."""
    if minutes is None or minutes == "":
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest:02d}"


def duration_between(start, end) -> str:
    if _empty(start) or _empty(end):
        return ""
    return duration(int((end - start).total_seconds() // 60))


def time_left(expires, now=None) -> str:
    """A countdown as static/js/countdown.js writes it: "1 h 05" from an hour, else "4:59"."""
    if _empty(expires):
        return ""
    seconds = max(0, int((expires - (now or clock.now())).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d}"
    return f"{minutes}:{seconds:02d}"
