"""Small display helpers for the pro web UI: money in the active language, durations."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import format_eur

register = template.Library()


@register.filter
def eur(cents):
    """12345 -> '123,45 €' (fr) or '€123.45' (en), through core.money."""
    if cents is None or cents == "":
        return ""
    return format_eur(int(cents), get_language() or "fr")


@register.filter
def duration(minutes):
    """120 -> '2 h', 90 -> '1 h 30', 45 -> '45 min'."""
    if minutes is None or minutes == "":
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": rest}


@register.filter
def duration_between(start, end):
    if not start or not end:
        return ""
    return duration(int((end - start).total_seconds() // 60))
