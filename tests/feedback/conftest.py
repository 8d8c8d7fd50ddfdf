import pytest
import time_machine

from catalog.models import Service
from tests.factories import booking_customer, booking_row, dispatchable_pro
from tests.feedback.helpers import NOW, at


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.fixture
def pro(cleaning):
    pro = dispatchable_pro(services=[cleaning])
    pro.user.first_name = "Sofia"
    pro.user.save(update_fields=["first_name"])
    return pro


@pytest.fixture
def customer_address(db):
    customer, address = booking_customer()
    customer.user.first_name = "Camille"
    customer.user.save(update_fields=["first_name"])
    return customer, address


@pytest.fixture
def customer(customer_address):
    return customer_address[0]


@pytest.fixture
def booking_at(pro, customer_address, cleaning):
    """booking_at(start, status="confirmed", who=pro, customer=customer): a booking row."""

    def make(start, *, status="confirmed", who=None, customer=None, **fields):
        cust, address = (
            customer_address if customer is None else (customer, customer.addresses.first())
        )
        return booking_row(
            pro=who or pro,
            customer=cust,
            address=address,
            service=cleaning,
            start=start,
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def booking(clock, booking_at):
    """A confirmed session tomorrow at 10:00 (Paris)."""
    return booking_at(at(1, 10))
