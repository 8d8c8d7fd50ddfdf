import pytest
import time_machine

from catalog.models import Service
from checkin import services
from tests.checkin.helpers import NOW
from tests.factories import booking_customer, booking_row, dispatchable_pro


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.fixture
def massage(db):
    return Service.objects.select_related("category").get(slug="massage-relaxant-60")


@pytest.fixture
def pro(cleaning, massage):
    return dispatchable_pro(services=[cleaning, massage])


@pytest.fixture
def customer_address(db):
    return booking_customer()


@pytest.fixture
def customer(customer_address):
    return customer_address[0]


@pytest.fixture
def session(pro, customer_address, cleaning):
    """A confirmed session (booked at the current time) with its record opened, as the
    booking_confirmed receiver does."""

    def make(start, *, service=None, who=None, customer=None, booked_at=None):
        cust, address = (
            customer_address if customer is None else (customer, customer.addresses.first())
        )
        booking = booking_row(
            pro=who or pro,
            customer=cust,
            address=address,
            service=service or cleaning,
            start=start,
            **({"created_at": booked_at} if booked_at else {}),
        )
        services.session_record_open(booking=booking)
        return booking

    return make
