"""Exclusive requests: past pros' free slots, personal links, fallback to others."""

from datetime import timedelta

import pytest

from bookings import services, tasks
from bookings.models import BookingRequest, Favorite
from tests.bookings.helpers import NOW, at, sent_to
from tests.factories import booking_customer, booking_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(clock, make_pro, customer, address, service):
    """A pro who completed a session for the customer, working in Lyon (outside the
    customer's zone) and another pro covering the customer's address."""
    pro = make_pro(lat=45.764, lng=4.8357, score=20)
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=10),
        status="completed",
    )
    pro.completed_sessions_count = 1
    pro.save(update_fields=["completed_sessions_count"])
    other = make_pro(score=90)
    return pro, other


def test_exclusive_goes_to_that_pro_alone_outside_their_zone(served, book):
    pro, _other = served
    request = book(at(3, 10), pro=pro)
    assert sent_to(request) == [pro.pk]
    assert request.proposals.get().expires_at == NOW + timedelta(minutes=60)


def test_exclusive_without_fallback_ends_unfulfilled_and_the_customer_is_told(
    served, book, customer
):
    pro, other = served
    request = book(at(3, 10), pro=pro)
    services.proposal_refuse(proposal=request.proposals.get(), pro=pro)
    tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert request.status == BookingRequest.Status.UNFULFILLED
    assert not request.proposals.filter(pro=other).exists()
    assert customer.user.notifications.filter(kind="no_pro_found").count() == 1


def test_exclusive_expiry_with_fallback_goes_to_the_others(clock, served, book):
    pro, other = served
    request = book(at(3, 10), pro=pro, fallback_to_others=True)
    clock.shift(timedelta(minutes=60))
    services.dispatch_sweep()
    request.refresh_from_db()
    assert request.proposals.get(pro=pro).status == "expired"
    assert sent_to(request) == [other.pk]


def test_exclusive_must_fit_a_free_slot(served, book, customer, address, service):
    pro, _other = served
    booking_row(pro=pro, customer=customer, address=address, service=service, start=at(3, 11))
    with pytest.raises(services.SlotUnavailable):
        book(at(3, 10), pro=pro)


def test_exclusive_needs_a_past_session_or_the_personal_link(clock, make_pro, api_client, service):
    stranger_pro = make_pro()
    customer, address = booking_customer()
    api_client.force_authenticate(customer.user)
    data = {
        "service": service.pk,
        "address": address.pk,
        "start": at(3, 10).isoformat(),
        "pro": stranger_pro.pk,
    }
    response = api_client.post("/api/v1/booking-requests", data, format="json")
    assert response.status_code == 400 and "pro" in response.json()["error"]["fields"]
    # The link only works once the pro has completed a session.
    response = api_client.post(
        "/api/v1/booking-requests", {**data, "link": stranger_pro.slug}, format="json"
    )
    assert response.status_code == 400
    stranger_pro.completed_sessions_count = 1
    stranger_pro.save(update_fields=["completed_sessions_count"])
    response = api_client.post(
        "/api/v1/booking-requests", {**data, "link": stranger_pro.slug}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["exclusive_pro"] == stranger_pro.pk


def test_slots_every_30_minutes_minus_bookings_and_travel_buffer(
    served, api_client, customer, address, service
):
    pro, _other = served
    pro.working_hours.all().delete()
    pro.working_hours.create(weekday=3, start_time="08:00", end_time="14:00")  # Thursdays
    booking_row(
        pro=pro, customer=customer, address=address, service=service, start=at(3, 10, 30)
    )  # 10:30-12:30
    api_client.force_authenticate(customer.user)
    response = api_client.get(
        f"/api/v1/pros/{pro.pk}/slots",
        {"service": service.pk, "from": at(3, 0).isoformat(), "to": at(4, 0).isoformat()},
    )
    assert response.status_code == 200, response.content
    # 2 h sessions; busy 10:30-13:00 with the buffer, so 08:00 (ends 10:00, +30 = 10:30) is the last before.
    assert response.json()["slots"] == ["2026-03-05T08:00:00+01:00"]


def test_slots_skip_days_off_and_the_next_two_hours(clock, served, api_client, customer, service):
    pro, _other = served
    api_client.force_authenticate(customer.user)
    response = api_client.get(
        f"/api/v1/pros/{pro.pk}/slots",
        {
            "service": service.pk,
            "from": NOW.isoformat(),
            "to": (NOW + timedelta(hours=5)).isoformat(),
        },
    )
    assert response.json()["slots"] == [
        "2026-03-02T11:00:00+01:00",
        "2026-03-02T11:30:00+01:00",
        "2026-03-02T12:00:00+01:00",
        "2026-03-02T12:30:00+01:00",
        "2026-03-02T13:00:00+01:00",
        "2026-03-02T13:30:00+01:00",
        "2026-03-02T14:00:00+01:00",
    ]
    pro.time_off.create(start_date=NOW.date(), end_date=NOW.date())
    response = api_client.get(
        f"/api/v1/pros/{pro.pk}/slots",
        {
            "service": service.pk,
            "from": NOW.isoformat(),
            "to": (NOW + timedelta(hours=5)).isoformat(),
        },
    )
    assert response.json()["slots"] == []


def test_slots_range_and_access(clock, served, make_pro, api_client, customer, service):
    pro, other = served
    api_client.force_authenticate(customer.user)
    url = f"/api/v1/pros/{pro.pk}/slots"
    too_long = {
        "service": service.pk,
        "from": NOW.isoformat(),
        "to": (NOW + timedelta(days=15)).isoformat(),
    }
    assert api_client.get(url, too_long).status_code == 400
    naive = {
        "service": service.pk,
        "from": "2026-03-03T00:00:00",
        "to": (NOW + timedelta(days=1)).isoformat(),
    }
    assert api_client.get(url, naive).status_code == 400
    ok = {
        "service": service.pk,
        "from": NOW.isoformat(),
        "to": (NOW + timedelta(days=14)).isoformat(),
    }
    assert (
        api_client.get(f"/api/v1/pros/{other.pk}/slots", ok).status_code == 404
    )  # never served them
    other.completed_sessions_count = 3
    other.save(update_fields=["completed_sessions_count"])
    assert (
        api_client.get(f"/api/v1/pros/{other.pk}/slots", {**ok, "link": other.slug}).status_code
        == 200
    )


def test_personal_link_profile(clock, served, api_client, customer):
    pro, other = served
    api_client.force_authenticate(customer.user)
    body = api_client.get(f"/api/v1/pros/by-link/{pro.slug}").json()
    assert body["id"] == pro.pk and body["first_name"] == pro.user.first_name
    assert [s["id"] for s in body["services"]] == list(pro.services.values_list("pk", flat=True))
    assert (
        api_client.get(f"/api/v1/pros/by-link/{other.slug}").status_code == 404
    )  # no session completed yet


def test_past_pros_and_favourites(
    clock, served, api_client, customer, django_assert_max_num_queries
):
    pro, other = served
    api_client.force_authenticate(customer.user)
    with django_assert_max_num_queries(4):
        body = api_client.get("/api/v1/past-pros").json()
    assert [(row["id"], row["sessions"], row["is_favorite"]) for row in body["results"]] == [
        (pro.pk, 1, False)
    ]

    response = api_client.post("/api/v1/favorites", {"pro": other.pk}, format="json")
    assert (
        response.status_code == 400 and response.json()["error"]["code"] == "favorite_not_allowed"
    )
    assert api_client.post("/api/v1/favorites", {"pro": pro.pk}, format="json").status_code == 201
    assert (
        api_client.post("/api/v1/favorites", {"pro": pro.pk}, format="json").status_code == 201
    )  # idempotent
    assert Favorite.objects.count() == 1
    assert api_client.get("/api/v1/past-pros").json()["results"][0]["is_favorite"] is True
    with django_assert_max_num_queries(4):
        assert [
            row["pro"]["id"] for row in api_client.get("/api/v1/favorites").json()["results"]
        ] == [pro.pk]
    assert api_client.delete(f"/api/v1/favorites/{pro.pk}").status_code == 204
    assert api_client.delete(f"/api/v1/favorites/{pro.pk}").status_code == 404
    assert Favorite.objects.count() == 0
