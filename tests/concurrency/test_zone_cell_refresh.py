"""Real connections on real PostgreSQL: the zone cells' trigger-kept columns (pros 0009 and
0010, bookings 0008) stay exact when two transactions write one pro's rows at once.

The first transaction writes and holds its refresh uncommitted; the second writes, and its
refresh waits. Without the pro's zone-cell lock, the second refresh computes from a snapshot
that does not see the first one's write and stores that stale value after it: a cancelled
booking stays on the cells (the walk then skips a free pro), a withdrawn service stays (the
walk then asks a pro for a service they no longer offer)."""

import threading
import time
from datetime import time as wall_clock
from datetime import timedelta

import psycopg
import pytest
from django.db import connection

from bookings.models import Booking
from catalog.models import Service
from core import clock
from tests.factories import booking_customer, booking_row, dispatchable_pro

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _connect():
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )


def _second_waits_for_the_first(first_sql, second_sql):
    """Run `first_sql` in one transaction, `second_sql` in another that starts while the first
    is open (and waits for it), then commit the first, then the second."""
    first, second = _connect(), _connect()
    try:
        first.execute(first_sql[0], first_sql[1])
        errors = []

        def run_second():
            try:
                second.execute(second_sql[0], second_sql[1])
                second.commit()
            except Exception as exc:  # asserted below
                errors.append(exc)

        thread = threading.Thread(target=run_second)
        thread.start()
        pid = second.info.backend_pid
        deadline = time.monotonic() + 10
        while True:  # until the second one waits on a lock held by the first
            row = first.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if row and row[0] == "Lock":
                break
            assert time.monotonic() < deadline, "the second transaction never waited"
            time.sleep(0.01)
        first.commit()
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert not errors, errors
    finally:
        first.close()
        second.close()


def _cells(pro, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT {column} FROM pros_zonecell WHERE pro_id = %s", [pro.pk])
        return [row[0] for row in cursor.fetchall()]


def test_a_booking_cancelled_while_another_is_made_leaves_the_cells():
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    day = clock.today() + timedelta(days=3)
    kept, made = (
        booking_row(
            pro=pro,
            customer=customer,
            address=address,
            service=service,
            start=start,
            status=status,
        )
        for start, status in (
            (clock.paris_datetime(day, wall_clock(9)), Booking.Status.CONFIRMED),
            (clock.paris_datetime(day, wall_clock(15)), Booking.Status.CANCELLED),
        )
    )
    _second_waits_for_the_first(
        ("UPDATE bookings_booking SET status = 'cancelled' WHERE id = %s", [kept.pk]),
        ("UPDATE bookings_booking SET status = 'confirmed' WHERE id = %s", [made.pk]),
    )
    made.refresh_from_db()
    assert [[(r.lower, r.upper) for r in booked] for booked in _cells(pro, "booked")] == [
        [(made.busy.lower, made.busy.upper)]
    ]


def test_a_service_withdrawn_while_another_is_added_leaves_the_cells():
    withdrawn, added = Service.objects.order_by("pk")[:2]
    pro = dispatchable_pro(services=[withdrawn])
    _second_waits_for_the_first(
        (
            "DELETE FROM pros_pro_services WHERE pro_id = %s AND service_id = %s",
            [pro.pk, withdrawn.pk],
        ),
        (
            "INSERT INTO pros_pro_services (pro_id, service_id) VALUES (%s, %s)",
            [pro.pk, added.pk],
        ),
    )
    assert _cells(pro, "offered_services") == [[added.pk]]
