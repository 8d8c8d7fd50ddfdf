"""Fields shared by the bookings API's serializers."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.rules import HORIZON_MESSAGES, horizon_problem
from core import clock


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; naive input is refused (never guessed), and so are impossible
    values (30 February, offset +25:00) and moments outside the booking horizon
    (bookings.rules.horizon_problem, the rule the web forms and services apply too)."""

    default_error_messages = {
        "naive": _("Give a date and time with its UTC offset."),
        "impossible": _("This date and time does not exist."),
        **HORIZON_MESSAGES,
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
        problem = horizon_problem(moment, clock.now())
        if problem:
            self.fail(problem)
        return moment
