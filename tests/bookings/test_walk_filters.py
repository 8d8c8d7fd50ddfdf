"""The candidate walk filters on two zone-cell columns kept by triggers (pros migration 0009):
the services the pro offers and their working hours in seconds of the week. Whatever writes a
pro's services or hours, and in whichever order with their zone, the walk asks exactly whom
the row-by-row rule would ask."""

from datetime import time, timedelta

import pytest
from django.db import connection

from bookings.dispatch.candidates import candidates_for
from pros.models import WorkingHours
from tests.bookings.helpers import at
from tests.factories import booking_request_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_at(customer, address, service):
    def make(start, minutes=120):
        return booking_request_row(
            customer=customer,
            address=address,
            service=service,
            start=start,
            end=start + timedelta(minutes=minutes),
        )

    return make


def _asked(request, pro) -> bool:
    return pro.pk in {c.pro_id for c in candidates_for(request, limit=10)}


def _cells(pro) -> set:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT offered_services, week_hours::text FROM pros_zonecell WHERE pro_id = %s",
            [pro.pk],
        )
        return {(tuple(services), hours) for services, hours in cursor.fetchall()}


def test_a_pro_who_stops_then_starts_offering_the_service_leaves_then_joins_the_walk(
    clock, make_pro, service, request_at
):
    pro = make_pro()
    request = request_at(at(2, 10))
    assert _asked(request, pro)
    pro.services.remove(service)
    assert not _asked(request, pro)
    pro.services.add(service)
    assert _asked(request, pro)
    pro.services.clear()
    assert not _asked(request, pro)


def test_working_hours_written_any_way_reach_the_walk(clock, make_pro, request_at):
    pro = make_pro()
    request = request_at(at(2, 10))  # a Wednesday
    weekday = at(2, 10).weekday()
    assert _asked(request, pro)
    WorkingHours.objects.filter(pro=pro, weekday=weekday).update(end_time=time(11, 0))
    assert not _asked(request, pro)
    WorkingHours.objects.filter(pro=pro, weekday=weekday).delete()
    assert not _asked(request, pro)
    WorkingHours.objects.create(pro=pro, weekday=weekday, start_time=time(9), end_time=time(13))
    assert _asked(request, pro)


def test_two_hours_rows_that_touch_do_not_cover_a_slot_across_them(clock, make_pro, request_at):
    pro = make_pro(hours=((6, 9, 12),))  # Sundays only, then two rows on the Wednesday
    weekday = at(2, 10).weekday()
    WorkingHours.objects.create(pro=pro, weekday=weekday, start_time=time(8), end_time=time(12))
    WorkingHours.objects.create(pro=pro, weekday=weekday, start_time=time(12), end_time=time(20))
    # Merged on the zone cell (8:00-20:00), but no single row covers 11:00-13:00.
    assert not _asked(request_at(at(2, 11)), pro)
    assert _asked(request_at(at(2, 9)), pro)
    assert _asked(request_at(at(2, 14)), pro)


def test_zone_cells_carry_the_services_and_hours_whichever_is_written_first(make_pro, service):
    pro = make_pro(hours=((2, 9, 18),))  # services and hours, then the zone (the factory)
    expected = {((service.pk,), "{[205200,237601)}")}  # Wednesday (2 x 86,400 s) 9:00-18:00
    assert _cells(pro) == expected
    # A new zone after the hours and services: its cells are filled when inserted.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pros_zonecell (pro_id, cell, distance_m, score, dispatchable) "
            "VALUES (%s, 1, 0, 50, true)",
            [pro.pk],
        )
    assert _cells(pro) == expected
