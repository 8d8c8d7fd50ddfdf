"""Free slots across the Paris DST nights: every real half hour once, none that does not
exist, none lost."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bookings import selectors
from core.clock import PARIS
from tests.factories import booking_customer, booking_row, dispatchable_pro

pytestmark = pytest.mark.django_db

SUNDAY_NIGHT = ((6, 0, 6),)  # Sundays 00:00-06:00 Paris wall-clock


@pytest.fixture
def service(db):
    from catalog.models import Service

    return Service.objects.get(slug="menage-2h")  # 120 minutes


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def half_hours(first: datetime, last: datetime) -> list[datetime]:
    out, moment = [], first
    while moment <= last:
        out.append(moment)
        moment += timedelta(minutes=30)
    return out


def free_slots(pro, service, day):
    start = datetime(day.year, day.month, day.day, tzinfo=PARIS) - timedelta(days=1)
    return selectors.pro_free_slots(
        pro=pro,
        service=service,
        start_from=start,
        until=start + timedelta(days=3),
        now=start - timedelta(days=7),
    )


def check_wall_clock(slots, duration=timedelta(hours=2)):
    for slot in slots:
        local = slot.astimezone(PARIS)
        # A real instant: the wall-clock reading maps back to the same moment.
        assert local.replace(tzinfo=None).replace(tzinfo=PARIS, fold=local.fold) == slot
        assert local.minute in (0, 30) and local.second == 0
        end = (slot + duration).astimezone(PARIS)
        assert local.date() == end.date() and end.hour * 60 + end.minute <= 6 * 60


def test_spring_forward_has_no_duplicate_or_nonexistent_slot(service):
    pro = dispatchable_pro(services=[service], hours=SUNDAY_NIGHT)
    slots = free_slots(pro, service, datetime(2026, 3, 29))
    # 00:00+01:00 (23:00Z) to 06:00+02:00 (04:00Z) holds 5 real hours: 2 h sessions can
    # start at 23:00Z ... 02:00Z, i.e. 00:00, 00:30, 01:00, 01:30, 03:00, 03:30, 04:00.
    assert [s.astimezone(UTC) for s in slots] == half_hours(
        utc(2026, 3, 28, 23), utc(2026, 3, 29, 2)
    )
    assert len({s.astimezone(UTC) for s in slots}) == len(slots)
    assert [s.astimezone(PARIS).strftime("%H:%M%z") for s in slots] == [
        "00:00+0100",
        "00:30+0100",
        "01:00+0100",
        "01:30+0100",
        "03:00+0200",
        "03:30+0200",
        "04:00+0200",
    ]
    check_wall_clock(slots)


def test_fall_back_loses_no_slot(service):
    pro = dispatchable_pro(services=[service], hours=SUNDAY_NIGHT)
    slots = free_slots(pro, service, datetime(2026, 10, 25))
    # 00:00+02:00 (22:00Z) to 06:00+01:00 (05:00Z) holds 7 real hours: starts 22:00Z ... 03:00Z,
    # 02:00 and 02:30 twice (summer then winter time).
    assert [s.astimezone(UTC) for s in slots] == half_hours(
        utc(2026, 10, 24, 22), utc(2026, 10, 25, 3)
    )
    assert [s.astimezone(PARIS).strftime("%H:%M%z") for s in slots] == [
        "00:00+0200",
        "00:30+0200",
        "01:00+0200",
        "01:30+0200",
        "02:00+0200",
        "02:30+0200",
        "02:00+0100",
        "02:30+0100",
        "03:00+0100",
        "03:30+0100",
        "04:00+0100",
    ]
    check_wall_clock(slots)


def test_hours_opening_inside_the_spring_gap(service):
    """Working 02:30-06:00 on the spring night: 02:30 does not exist, so the first start is
    03:00 summer time, and a session never ends after 06:00 wall-clock."""
    pro = dispatchable_pro(services=[service], hours=SUNDAY_NIGHT)
    pro.working_hours.all().delete()
    pro.working_hours.create(weekday=6, start_time="02:30", end_time="06:00")
    slots = free_slots(pro, service, datetime(2026, 3, 29))
    assert [s.astimezone(PARIS).strftime("%H:%M%z") for s in slots] == [
        "03:00+0200",
        "03:30+0200",
        "04:00+0200",
    ]


def test_fall_back_slots_through_the_api_and_busy_time(service, api_client):
    customer, address = booking_customer()
    pro = dispatchable_pro(services=[service], hours=SUNDAY_NIGHT)
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=datetime(2026, 10, 1, 10, tzinfo=PARIS),
        status="completed",
    )
    # Booked 00:00-02:00 summer time (22:00Z-00:00Z), +30 min travel buffer.
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=datetime(2026, 10, 25, 0, tzinfo=PARIS),
    )
    api_client.force_authenticate(customer.user)
    with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=PARIS), tick=False):
        response = api_client.get(
            f"/api/v1/pros/{pro.pk}/slots",
            {
                "service": service.pk,
                "from": "2026-10-24T12:00:00+02:00",
                "to": "2026-10-26T00:00:00+01:00",
            },
        )
    assert response.status_code == 200, response.content
    # Free from 00:30Z (02:30 summer time); the last 2 h session starts at 03:00Z.
    assert response.json()["slots"] == [
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T03:30:00+01:00",
        "2026-10-25T04:00:00+01:00",
    ]
