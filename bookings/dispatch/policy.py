"""The wave policy: how many pros hold an open proposal at once and how long each has to
answer, by lead time (start - now, recomputed at every engine step). The rows are the
DISPATCH_WAVES setting, longest lead first."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from core import clock


@dataclass(frozen=True)
class Wave:
    size: int  # pros holding an open proposal at once
    answer_time: timedelta


def wave_for(*, start: datetime, now: datetime | None = None) -> Wave:
    """The policy row for this lead time; below the last row's lead, the last row."""
    lead = start - (now or clock.now())
    rows = settings.DISPATCH_WAVES
    for min_lead, size, answer_time in rows:
        if lead >= min_lead:
            return Wave(size=size, answer_time=answer_time)
    _min_lead, size, answer_time = rows[-1]
    return Wave(size=size, answer_time=answer_time)
