"""Constants and small helpers the bookings tests import (fixtures stay in conftest.py)."""

from datetime import datetime, time, timedelta

from core.clock import PARIS

# A Monday morning in winter (UTC+1); sessions are booked days ahead.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Paris wall-clock `hour:minute`, `days` after NOW's date."""
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), tzinfo=PARIS)


def sent_to(request) -> list[int]:
    """Pros currently holding an open proposal for the request, best rank first."""
    return list(
        request.proposals.filter(status="sent")
        .order_by("sent_at", "id")
        .values_list("pro_id", flat=True)
    )
