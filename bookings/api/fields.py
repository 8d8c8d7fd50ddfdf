"""Fields shared by the bookings API's serializers."""

from datetime import timedelta

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core import clock


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; naive input is refused (never guessed), and so are impossible
    values (30 February, offset +25:00) and moments outside [2000, now + 1 year], whose
    arithmetic could overflow."""

    EARLIEST_YEAR = 2000
    MAX_AHEAD = timedelta(days=366)

    default_error_messages = {
        "naive": _("Give a date and time with its UTC offset."),
        "impossible": _("This date and time does not exist."),
        "too_early": _("Too far in the past."),
        "too_far": _("Too far in the future."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well-formed but impossible: day, hour or offset out of range
                self.fail("impossible")
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        moment = super().to_internal_value(value)
        if moment.year < self.EARLIEST_YEAR:
            self.fail("too_early")
        if moment > clock.now() + self.MAX_AHEAD:
            self.fail("too_far")
        return moment
