"""`{% load dates %}`: the one date, time and duration filter library (see core/datefmt.py).

{{ booking.start|long_day }}              mardi 1er décembre
{{ booking.start|long_when }}             mardi 1er décembre à 14:00
{{ payout.arrival_on|short_date }}        27 nov. 2026
{{ booking.start|clock }}                 14:00
{{ booking.start|time_range:booking.end }} 14:00–16:00
{{ service.duration_minutes|duration }}   1 h 30
"""

from django import template

from core import datefmt

register = template.Library()

for _name in (
    "long_day",
    "long_day_year",
    "short_day",
    "day_month",
    "short_day_month",
    "short_date",
    "numeric_date",
    "long_when",
    "short_when",
    "stamp",
    "duration",
    "time_left",
):
    register.filter(_name, getattr(datefmt, _name))

register.filter("clock", datefmt.clock_time)
register.filter("time_range", datefmt.time_range)
register.filter("duration_between", datefmt.duration_between)
