"""Small display helpers for the pro web UI: money in the active language, durations."""

from django import template
from django.utils.translation import get_language

from core import datefmt
from core.money import format_eur

register = template.Library()


@register.filter
def eur(cents):
    """12345 -> '123,45 €' (fr) or '€123.45' (en), through core.money."""
    if cents is None or cents == "":
        return ""
    return format_eur(int(cents), get_language() or "fr")


# Durations have one writer (core.datefmt, also `{% load dates %}`); kept here for the
# templates that load bookings_ui.
register.filter("duration", datefmt.duration)
register.filter("duration_between", datefmt.duration_between)
