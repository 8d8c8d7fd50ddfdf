"""Fixtures of the bookings tests; the constants and helpers they import are in helpers.py."""

import pytest
import time_machine

from bookings import services, tasks
from bookings.models import BookingRequest
from catalog.models import Service
from tests.bookings.helpers import NOW
from tests.factories import booking_customer, dispatchable_pro


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.fixture
def customer_address(db):
    return booking_customer()


@pytest.fixture
def customer(customer_address):
    return customer_address[0]


@pytest.fixture
def address(customer_address):
    return customer_address[1]


@pytest.fixture
def make_pro(service):
    def make(**kwargs):
        kwargs.setdefault("services", [service])
        return dispatchable_pro(**kwargs)

    return make


@pytest.fixture
def book(customer, address, service):
    """Create a request through the service and run its first dispatch step (what the
    wake-up task does on commit)."""

    def create(start, **kwargs) -> BookingRequest:
        kwargs.setdefault("customer", customer)
        kwargs.setdefault("address", address)
        kwargs.setdefault("service", service)
        request = services.booking_request_create(start=start, **kwargs)
        tasks.dispatch_request(request.pk)
        request.refresh_from_db()
        return request

    return create
