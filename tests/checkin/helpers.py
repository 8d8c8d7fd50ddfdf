"""Constants and small helpers the checkin tests import (fixtures stay in conftest.py)."""

from datetime import datetime, time, timedelta

from core.clock import PARIS

# A Monday in winter (UTC+1). Sessions start relative to it.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Paris wall-clock `hour:minute`, `days` after NOW's date."""
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), tzinfo=PARIS)


def record_of(booking):
    from checkin.models import SessionRecord

    return SessionRecord.objects.select_related("booking").get(booking=booking)


def kinds(booking) -> list[str]:
    return list(booking.request.events.order_by("id").values_list("kind", flat=True))
