"""A pro's agenda: whether a slot is free (working hours, days off, bookings plus the travel
buffer), the free start times offered to a customer, and the pro's bookings in time order."""

from datetime import UTC, datetime, timedelta

from django.conf import settings

from core import clock

from ..models import Booking
from ..rules import wall_clock_slot

SLOT_STEP = timedelta(minutes=30)
SLOTS_MAX_RANGE = timedelta(days=14)


def pro_busy_overlaps(*, pro, start: datetime, end: datetime, exclude_booking_id=None) -> bool:
    """Whether [start, end) plus the travel buffer overlaps one of the pro's live bookings."""
    buffer = settings.DISPATCH_TRAVEL_BUFFER
    queryset = Booking.objects.filter(pro=pro, busy__overlap=(start, end + buffer)).exclude(
        status=Booking.Status.CANCELLED
    )
    if exclude_booking_id:
        queryset = queryset.exclude(pk=exclude_booking_id)
    return queryset.exists()


def pro_works_at(*, pro, start: datetime, end: datetime) -> bool:
    """Working hours cover [start, end) (Paris wall-clock) and it is not a day off."""
    slot = wall_clock_slot(start=start, end=end)
    if slot is None:
        return False
    covered = pro.working_hours.filter(
        weekday=slot["weekday"], start_time__lte=slot["from_time"], end_time__gte=slot["to_time"]
    ).exists()
    off = pro.time_off.filter(start_date__lte=slot["day"], end_date__gte=slot["day"]).exists()
    return covered and not off


def pro_is_free(*, pro, start: datetime, end: datetime, check_hours: bool = True) -> bool:
    if check_hours and not pro_works_at(pro=pro, start=start, end=end):
        return False
    return not pro_busy_overlaps(pro=pro, start=start, end=end)


def pro_free_slots(
    *, pro, service, start_from: datetime, until: datetime, now: datetime | None = None
) -> list[datetime]:
    """Start times every 30 minutes (Paris wall-clock, on the hour and half hour) at which
    `service` fits the pro's working hours, off days off, clear of bookings plus travel
    buffer, and at least BOOKING_MIN_LEAD from now. Three queries whatever the range."""
    now = now or clock.now()
    earliest = max(start_from, now + settings.BOOKING_MIN_LEAD)
    if until <= earliest:
        return []
    duration = timedelta(minutes=service.duration_minutes)
    buffer = settings.DISPATCH_TRAVEL_BUFFER
    first_day, last_day = clock.paris_date(earliest), clock.paris_date(until)
    hours_by_day: dict[int, list] = {}
    for row in pro.working_hours.all():
        hours_by_day.setdefault(row.weekday, []).append((row.start_time, row.end_time))
    days_off = list(pro.time_off.filter(start_date__lte=last_day, end_date__gte=first_day))
    busy = [
        (b.busy.lower, b.busy.upper)
        for b in Booking.objects.filter(
            pro=pro, busy__overlap=(earliest - duration - buffer, until + duration + buffer)
        )
        .exclude(status=Booking.Status.CANCELLED)
        .only("busy")
    ]
    slots: set[datetime] = set()
    day = first_day
    while day <= last_day:
        if not any(off.start_date <= day <= off.end_date for off in days_off):
            for block_start, block_end in hours_by_day.get(day.weekday(), []):
                for moment in _block_starts(day, block_start, block_end, duration):
                    if earliest <= moment <= until:
                        slot_busy_end = moment + duration + buffer
                        if not any(
                            lower < slot_busy_end and moment < upper for lower, upper in busy
                        ):
                            slots.add(moment)
        day += timedelta(days=1)
    # Sorted and deduplicated as UTC instants (two Paris datetimes compare by wall-clock,
    # fold ignored), then given back in Paris time.
    return [clock.to_paris(moment) for moment in sorted(slots)]


def _block_starts(day, block_start, block_end, duration: timedelta):
    """The real instants, every SLOT_STEP on the Paris half-hour grid, at which a session of
    `duration` starts at or after `block_start` and ends by `block_end`, both on `day` by the
    Paris wall clock (what `pro_works_at` checks). Steps in UTC, so the spring DST gap yields
    no nonexistent or duplicate start and the autumn repeated hour is offered twice."""
    # Widest real bounds of the wall-clock readings (a gap or a repeated hour gives two).
    opens = [clock.paris_datetime(day, block_start).replace(fold=fold) for fold in (0, 1)]
    closes = [clock.paris_datetime(day, block_end).replace(fold=fold) for fold in (0, 1)]
    first = min(o.astimezone(UTC) for o in opens)
    last_end = max(c.astimezone(UTC) for c in closes)
    # First start on the half-hour grid at or after the opening (Paris offsets are whole hours).
    minutes = block_start.hour * 60 + block_start.minute
    moment = first + timedelta(minutes=(-minutes) % 30)
    while moment + duration <= last_end:
        local_start, local_end = clock.to_paris(moment), clock.to_paris(moment + duration)
        if (
            local_start.date() == day == local_end.date()
            and local_start.time() >= block_start
            and local_end.time() <= block_end
        ):
            yield moment
        moment += SLOT_STEP


def agenda_for(
    pro,
    *,
    start_from: datetime | None = None,
    until: datetime | None = None,
    include_past: bool = False,
):
    """The pro's live bookings (confirmed and completed), in start order."""
    queryset = Booking.objects.filter(pro=pro).exclude(status=Booking.Status.CANCELLED)
    if start_from is not None:
        queryset = queryset.filter(end__gt=start_from)
    elif not include_past:
        queryset = queryset.filter(end__gt=clock.now())
    if until is not None:
        queryset = queryset.filter(start__lt=until)
    return queryset.select_related("service", "address", "customer__user").order_by("start", "id")


def bookings_for_pro(pro):
    return (
        Booking.objects.filter(pro=pro)
        .select_related("service", "address", "customer__user")
        .order_by("-start", "-id")
    )


def past_bookings_for_pro(pro, *, now: datetime | None = None, limit: int = 60):
    """The pro's sessions that ended (any status), most recent first."""
    return bookings_for_pro(pro).filter(end__lte=now or clock.now())[:limit]
