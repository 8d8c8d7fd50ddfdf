"""Real threads on real PostgreSQL: a customer's booking request created at the very moment
their account is being closed never stays open after the closure.

Request creation and closure serialise on the account's rows (bookings.locking, step 0): the
closure holds them FOR UPDATE while it ends the customer's open requests, the creation takes
them before its insert and re-checks the account under them. Either order ends the same way:
no open request of a closed account.
"""

import threading
import time
from datetime import timedelta

import pytest

from bookings import events
from bookings.models import BookingRequest
from bookings.services import booking_request_create
from catalog.models import Service
from core import clock
from core.errors import DomainError
from privacy import erasure, erasure_fields
from tests.concurrency.threads import run_together
from tests.factories import booking_customer, dispatchable_pro

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOLD_SECONDS = 0.5


@pytest.fixture
def home():
    service = Service.objects.get(slug="menage-2h")
    dispatchable_pro(services=[service])
    customer, address = booking_customer()
    start = (clock.now() + timedelta(days=3)).astimezone(clock.PARIS)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    return customer, address, service, start


def _create(customer, address, service, start):
    def call():
        return booking_request_create(
            customer=customer, service=service, address=address, start=start
        )

    return call


def _close(user):
    def call():
        return erasure.account_close(user=user, by=user)

    return call


def test_a_request_created_while_the_closure_holds_the_account_is_refused(home, monkeypatch):
    """The closure has locked the account and is erasing it; the creation (its objects read
    before: the customer still looks active) comes meanwhile. Without the lock and re-check,
    its insert waits for the closure's commit, then goes through: an open request of a closed
    account, dispatched to pros."""
    customer, address, service, start = home
    closing = threading.Event()
    original = erasure_fields.erase_customer

    def erase_then_hold(*args, **kwargs):
        original(*args, **kwargs)
        closing.set()
        time.sleep(HOLD_SECONDS)

    monkeypatch.setattr(erasure_fields, "erase_customer", erase_then_hold)

    def create_once_closing():
        assert closing.wait(timeout=30)
        return _create(customer, address, service, start)()

    closed, created = run_together([_close(customer.user), create_once_closing])

    assert closed is True
    assert isinstance(created, DomainError), created
    assert (created.status, created.code) == (403, "account_closed")
    assert not BookingRequest.objects.filter(customer=customer).exists()


def test_a_request_being_created_when_the_closure_starts_is_cancelled_by_it(home, monkeypatch):
    """The creation has inserted its request and is still in its transaction; the closure
    waits for it, then finds the request and cancels it."""
    customer, address, service, start = home
    inserted = threading.Event()
    original = events.request_created

    def created_then_hold(**kwargs):
        event = original(**kwargs)
        inserted.set()
        time.sleep(HOLD_SECONDS)
        return event

    monkeypatch.setattr(events, "request_created", created_then_hold)

    def close_once_inserted():
        assert inserted.wait(timeout=30)
        return _close(customer.user)()

    created, closed = run_together(
        [_create(customer, address, service, start), close_once_inserted]
    )

    assert isinstance(created, BookingRequest), created
    assert closed is True
    request = BookingRequest.objects.get(customer=customer)
    assert request.status == BookingRequest.Status.CANCELLED
    assert request.cancel_reason == erasure.REASON
