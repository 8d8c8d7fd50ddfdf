"""A pro sets up a new session for a customer they served; the customer confirms it."""

from datetime import timedelta

import pytest

from bookings import services
from bookings.models import Booking, BookingRequest
from customers.models import Customer
from tests.bookings.helpers import NOW, at
from tests.factories import booking_customer, booking_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def regular(clock, make_pro, customer, address, service):
    pro = make_pro()
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=7),
        status="completed",
    )
    return pro


def propose(pro, customer, address, service, start):
    return services.pro_session_propose(
        pro=pro, customer=customer, service=service, address=address, start=start
    )


def test_customer_confirms_a_session_set_up_by_their_pro(
    regular, api_client, customer, address, service
):
    request = propose(regular, customer, address, service, at(4, 9))
    assert request.status == BookingRequest.Status.AWAITING_CUSTOMER and request.origin == "pro"
    assert customer.user.notifications.filter(kind="session_proposed").exists()
    api_client.force_authenticate(customer.user)
    response = api_client.post(f"/api/v1/booking-requests/{request.pk}/confirm")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert Booking.objects.get(request=request).pro == regular
    assert regular.user.notifications.filter(kind="session_confirmed").exists()


def test_customer_declines_it(regular, api_client, customer, address, service):
    request = propose(regular, customer, address, service, at(4, 9))
    api_client.force_authenticate(customer.user)
    response = api_client.post(f"/api/v1/booking-requests/{request.pk}/decline")
    assert response.json()["status"] == "cancelled"
    response = api_client.post(f"/api/v1/booking-requests/{request.pk}/confirm")
    assert response.status_code == 409


def test_only_for_customers_the_pro_served(clock, make_pro, service):
    pro = make_pro()
    stranger, address = booking_customer()
    with pytest.raises(services.NotYourCustomer):
        propose(pro, stranger, address, service, at(4, 9))


def test_obeys_two_hour_rule_agenda_and_blacklist(regular, customer, address, service):
    with pytest.raises(services.TooLateToBook):
        propose(regular, customer, address, service, NOW + timedelta(minutes=90))
    booking_row(pro=regular, customer=customer, address=address, service=service, start=at(4, 10))
    with pytest.raises(services.AgendaConflict):
        propose(regular, customer, address, service, at(4, 9))
    Customer.objects.filter(pk=customer.pk).update(is_blacklisted=True)
    customer.refresh_from_db()
    from customers.selectors import CustomerBlacklisted

    with pytest.raises(CustomerBlacklisted):
        propose(regular, customer, address, service, at(5, 9))
    assert BookingRequest.objects.filter(origin="pro").count() == 0


def test_unconfirmed_session_lapses_at_its_deadline(clock, regular, customer, address, service):
    request = propose(regular, customer, address, service, at(4, 9))
    clock.move_to(request.booking_deadline)
    services.dispatch_sweep()
    request.refresh_from_db()
    assert request.status == "cancelled" and request.cancel_reason == "not_confirmed_in_time"
