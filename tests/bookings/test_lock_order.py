"""Every transition takes its row locks in the order `bookings.locking.LOCK_ORDER` writes
down: the request first; then its proposal, counter-offer or booking rows; the pro's row
(FOR NO KEY UPDATE) right before the booking insert. Read off the SQL each one runs."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services, tasks
from bookings.locking import LOCK_ORDER, LockStep
from tests.bookings.helpers import NOW, at
from tests.factories import booking_row

pytestmark = pytest.mark.django_db

_TABLE = re.compile(r'FROM "(\w+)"')


def _steps(queries) -> list[LockStep]:
    """The lock steps of the captured statements, in the order they ran."""
    steps = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith('INSERT INTO "bookings_booking"'):
            steps.append(LockStep.BOOKING_INSERT)
        elif "FOR NO KEY UPDATE" in sql and _TABLE.search(sql).group(1) == "pros_pro":
            steps.append(LockStep.PRO)
        elif "FOR UPDATE" in sql:
            table = _TABLE.search(sql).group(1)
            steps.append(
                LockStep.REQUEST if table == "bookings_bookingrequest" else LockStep.ANSWER
            )
    return steps


def _assert_in_order(steps):
    assert steps and steps[0] == LockStep.REQUEST, steps
    # Up to the insert, never back up the order (after it, more of the locked request's own
    # rows may be locked: nobody can hold them without holding the request).
    until_insert = steps[: steps.index(LockStep.BOOKING_INSERT) + 1]
    assert until_insert == sorted(until_insert), steps
    assert until_insert[-2:] == [LockStep.PRO, LockStep.BOOKING_INSERT], steps


def test_the_order_is_written_once():
    assert LOCK_ORDER == (
        LockStep.REQUEST,
        LockStep.ANSWER,
        LockStep.PRO,
        LockStep.BOOKING_INSERT,
    )


def test_accept_locks_request_proposal_pro_then_inserts(clock, book, make_pro):
    pros = [make_pro(score=90 - i) for i in range(3)]
    request = book(NOW + timedelta(hours=3))
    with CaptureQueriesContext(connection) as queries:
        services.proposal_accept(proposal=request.proposals.get(pro=pros[0]), pro=pros[0])
    _assert_in_order(_steps(queries))


def test_counter_offer_accept_locks_request_proposal_counter_pro_then_inserts(
    clock, book, make_pro, customer
):
    first, _second = make_pro(score=90), make_pro(score=80)
    request = book(at(3, 10))
    counter = services.proposal_counter(
        proposal=request.proposals.get(pro=first), pro=first, start=at(3, 15)
    )
    tasks.dispatch_request(request.pk)
    with CaptureQueriesContext(connection) as queries:
        services.counter_offer_accept(counter_offer=counter, customer=customer)
    steps = _steps(queries)
    _assert_in_order(steps)
    assert steps[:3] == [LockStep.REQUEST, LockStep.ANSWER, LockStep.ANSWER]


def test_cancellations_lock_the_request_first(clock, book, make_pro, customer, address, service):
    pro = make_pro()
    request = book(at(3, 10))
    with CaptureQueriesContext(connection) as queries:
        services.booking_request_cancel(request=request, by=customer.user)
    assert _steps(queries)[0] == LockStep.REQUEST
    booking = booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(4, 10)
    )
    with CaptureQueriesContext(connection) as queries:
        services.booking_cancel(booking=booking, by=None)
    assert _steps(queries)[:2] == [LockStep.REQUEST, LockStep.ANSWER]
