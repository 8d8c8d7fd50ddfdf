"""The candidate walk skips booked pros on zone-cell columns kept by triggers (bookings 0008):
the pro's next 32 coming busy periods (`booked`) and the window they are complete for
(`booked_from`, `booked_until`), inside which the walk probes no booking row by row. Whatever
writes a booking, the cells hold exactly that.

These tests use the database's real clock (no time machine): `booked` keeps what is not over
at PostgreSQL's now()."""

from datetime import timedelta

import pytest
from django.db import connection
from psycopg.types.range import Range

from bookings.dispatch.candidates import candidates_for
from bookings.models import Booking
from tests.factories import booking_request_row, booking_row, days_ahead_at

pytestmark = pytest.mark.django_db


def _booked(pro) -> set:
    """Each distinct `booked` of the pro's cells, as a tuple of (lower, upper) pairs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT booked FROM pros_zonecell WHERE pro_id = %s", [pro.pk])
        return {tuple((r.lower, r.upper) for r in row[0]) for row in cursor.fetchall()}


def _window(pro) -> set:
    """Each distinct (booked_from is the transaction's now(), booked_until) of the pro's cells;
    booked_until as text ('infinity' is no Python datetime)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT booked_from = now(), booked_until::text FROM pros_zonecell"
            " WHERE pro_id = %s",
            [pro.pk],
        )
        return set(cursor.fetchall())


def _at_text(moment) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz::text", [moment])
        return cursor.fetchone()[0]


def _busy(*bookings) -> set:
    return {tuple((b.busy.lower, b.busy.upper) for b in bookings)}


@pytest.fixture
def book_pro(customer, address, service):
    def book(pro, start, **fields):
        return booking_row(
            pro=pro, customer=customer, address=address, service=service, start=start, **fields
        )

    return book


def test_bookings_written_any_way_reach_the_cells(make_pro, book_pro):
    pro, other = make_pro(), make_pro()
    assert _booked(pro) == {()}
    assert _window(pro) == {(True, "infinity")}  # filled when the zone was made: complete
    booking = book_pro(pro, days_ahead_at(3))
    assert _booked(pro) == _busy(booking)
    assert _window(pro) == {(True, "infinity")}
    # Cancelled through the model, then restored by a queryset update.
    booking.status = Booking.Status.CANCELLED
    booking.save()
    assert _booked(pro) == {()}
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)
    assert _booked(pro) == _busy(booking)
    # Moved to another time, then to another pro.
    moved = Booking.ranges(days_ahead_at(4, 14), days_ahead_at(4, 16))
    Booking.objects.filter(pk=booking.pk).update(**moved)
    booking.refresh_from_db()
    assert _booked(pro) == _busy(booking)
    Booking.objects.filter(pk=booking.pk).update(pro=other)
    assert _booked(pro) == {()}
    assert _booked(other) == _busy(booking)
    # Completion does not free the pro; deletion does.
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    assert _booked(other) == _busy(booking)
    Booking.objects.filter(pk=booking.pk).delete()
    assert _booked(other) == {()}


def test_a_new_zone_cell_is_filled_with_the_coming_bookings(make_pro, book_pro):
    pro = make_pro()
    booking = book_pro(pro, days_ahead_at(2))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pros_zonecell (pro_id, cell, distance_m, score, dispatchable) "
            "VALUES (%s, 1, 0, 50, true)",
            [pro.pk],
        )
    assert _booked(pro) == _busy(booking)


def test_only_the_next_32_coming_bookings_are_kept(make_pro, book_pro):
    pro = make_pro()
    book_pro(pro, days_ahead_at(-3))  # over: left out
    coming = [book_pro(pro, days_ahead_at(day)) for day in range(1, 35)]
    (ranges,) = _booked(pro)
    assert ranges == next(iter(_busy(*coming[:32])))
    # Complete until the 33rd starts.
    assert _window(pro) == {(True, _at_text(coming[32].start))}


def test_a_booking_past_the_window_is_still_probed(make_pro, book_pro, customer, address, service):
    pro = make_pro()
    coming = [book_pro(pro, days_ahead_at(day)) for day in range(1, 35)]
    over_the_34th = booking_request_row(
        customer=customer, address=address, service=service, start=coming[33].start
    )
    assert pro.pk not in {c.pro_id for c in candidates_for(over_the_34th, limit=10)}
    elsewhere = booking_request_row(
        customer=customer, address=address, service=service, start=days_ahead_at(40)
    )
    assert pro.pk in {c.pro_id for c in candidates_for(elsewhere, limit=10)}


def test_truncating_the_bookings_empties_the_cells(make_pro, book_pro):
    pro = make_pro()
    book_pro(pro, days_ahead_at(3))
    with connection.cursor() as cursor:
        # The test's own transaction: its deferred foreign-key checks must run first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE bookings_booking CASCADE")
    assert _booked(pro) == {()}
    assert _window(pro) == {(False, "infinity")}  # complete for no window: every probe runs


def test_the_walk_decides_on_what_the_cells_say_inside_their_window(
    make_pro, book_pro, customer, address, service
):
    pro = make_pro()
    start = days_ahead_at(3)
    request = booking_request_row(customer=customer, address=address, service=service, start=start)
    assert pro.pk in {c.pro_id for c in candidates_for(request, limit=10)}
    # Written by hand (the triggers never write this): the walk reads the columns, it does
    # not re-derive them. A busy period on the cells: skipped.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pros_zonecell SET booked = tstzmultirange(%s::tstzrange) WHERE pro_id = %s",
            [Range(start - timedelta(hours=1), start + timedelta(hours=1), "[)"), pro.pk],
        )
    assert pro.pk not in {c.pro_id for c in candidates_for(request, limit=10)}
    # A booking the cells do not hold, inside their window: not probed, so still asked.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pros_zonecell SET booked = '{}' WHERE pro_id = %s", [pro.pk])
    booking = book_pro(pro, start)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pros_zonecell SET booked = '{}', booked_until = 'infinity' WHERE pro_id = %s",
            [pro.pk],
        )
    assert pro.pk in {c.pro_id for c in candidates_for(request, limit=10)}
    # Outside it, probed: not asked.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pros_zonecell SET booked_until = %s WHERE pro_id = %s", [booking.start, pro.pk]
        )
    assert pro.pk not in {c.pro_id for c in candidates_for(request, limit=10)}


def test_a_booked_pro_is_not_asked_and_is_once_the_booking_is_cancelled(
    make_pro, book_pro, customer, address, service
):
    pro = make_pro()
    start = days_ahead_at(3)
    booking = book_pro(pro, start - timedelta(minutes=30))
    request = booking_request_row(customer=customer, address=address, service=service, start=start)
    assert pro.pk not in {c.pro_id for c in candidates_for(request, limit=10)}
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert pro.pk in {c.pro_id for c in candidates_for(request, limit=10)}
