"""A NUL byte in a cancel reason answered 500, and a non-string reason was stored as Python's
text of it (issue 7, item 8). Every service that takes free text now checks it with
core.text.clean_text: 400 `invalid` naming the field, and nothing written."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from bookings import services as booking_services
from bookings.models import Booking, BookingRequest
from catalog.models import Service
from checkin import services as checkin_services
from checkin.models import Outcome, SessionRecord
from core.errors import InvalidInput
from pros import services as pro_services
from tests.factories import (
    DocumentFactory,
    booking_customer,
    booking_request_row,
    booking_row,
    dispatchable_pro,
)

pytestmark = pytest.mark.django_db

HOSTILE = ["Ill\x00", {"text": "Ill"}, ["Ill"], 42]


def _row_counts():
    # Unmanaged models (a permission holder such as ops.VitalSigns) have no table.
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed
    }


def _assert_refused(response, field="reason"):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error


@pytest.fixture
def cleaning():
    return Service.objects.get(slug="menage-2h")


@pytest.fixture
def customer_address():
    return booking_customer()


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("reason", HOSTILE, ids=repr)
def test_booking_request_cancel_reason(customer_address, cleaning, reason):
    customer, address = customer_address
    request = booking_request_row(
        customer=customer,
        address=address,
        service=cleaning,
        start=timezone.now() + timedelta(days=3),
    )
    before = _row_counts()
    response = _client(customer.user).post(
        f"/api/v1/booking-requests/{request.pk}/cancel", {"reason": reason}, format="json"
    )
    _assert_refused(response)
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.DISPATCHING and request.cancel_reason == ""
    assert _row_counts() == before


@pytest.mark.parametrize("reason", HOSTILE, ids=repr)
def test_booking_cancel_reason(customer_address, cleaning, reason):
    customer, address = customer_address
    booking = booking_row(
        pro=dispatchable_pro(services=[cleaning]),
        customer=customer,
        address=address,
        service=cleaning,
        start=timezone.now() + timedelta(days=3),
    )
    checkin_services.session_record_open(booking=booking)
    before = _row_counts()
    response = _client(customer.user).post(
        f"/api/v1/bookings/{booking.pk}/cancel", {"reason": reason}, format="json"
    )
    _assert_refused(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert SessionRecord.objects.get(booking=booking).outcome == Outcome.PENDING
    assert _row_counts() == before


def test_pro_cancel_declaration_reason(customer_address, cleaning):
    customer, address = customer_address
    pro = dispatchable_pro(services=[cleaning])
    booking = booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=cleaning,
        start=timezone.now() + timedelta(days=3),
    )
    checkin_services.session_record_open(booking=booking)
    before = _row_counts()
    for reason in HOSTILE:
        response = _client(pro.user).post(
            f"/api/v1/pro/bookings/{booking.pk}/declarations",
            {"kind": "pro_cancels", "reason": reason},
            format="json",
        )
        _assert_refused(response)
    assert _row_counts() == before


@pytest.mark.parametrize("bad", ["x\x00", 7, {"x": 1}], ids=repr)
def test_services_refuse_nul_and_non_strings_directly(customer_address, cleaning, bad):
    """The admin, web forms and tasks call the services too: each checks its own text."""
    customer, address = customer_address
    pro = dispatchable_pro(services=[cleaning])
    document = DocumentFactory(pro=pro)
    booking = booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=cleaning,
        start=timezone.now() + timedelta(days=3),
    )
    checkin_services.session_record_open(booking=booking)
    today = timezone.localdate()
    before = _row_counts()
    calls = {
        "suspend": lambda: pro_services.pro_suspend(pro=pro, by=None, reason=bad),
        "reject": lambda: pro_services.document_reject(document=document, by=None, reason=bad),
        "time_off": lambda: pro_services.time_off_add(
            pro=pro, start_date=today, end_date=today, reason=bad
        ),
        "bio": lambda: pro_services.pro_update_profile(pro=pro, bio=bad),
        "invite": lambda: pro_services.referral_invite_create(
            pro=pro, email="friend@example.com", name=bad
        ),
        "support_cancel": lambda: booking_services.booking_cancel(
            booking=booking, by=None, reason=bad
        ),
        "checkin_support_cancel": lambda: checkin_services.booking_support_cancel(
            booking=booking, by=None, reason=bad, with_fee=False
        ),
        "request": lambda: booking_services.booking_request_create(
            customer=customer,
            service=cleaning,
            address=address,
            start=timezone.now() + timedelta(days=2),
            notes=bad,
        ),
    }
    for name, call in calls.items():
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.fields, name

    assert _row_counts() == before
