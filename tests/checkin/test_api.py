"""The pro API (session state, declarations, the "to declare" list) and the customer API
(cancellation quote, cancel): codes, fields, isolation; refusals write nothing."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from bookings.models import BookingEvent
from checkin.models import BillableItem, Outcome
from tests.checkin.helpers import NOW, at, record_of
from tests.factories import booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pro_api(pro):
    return client_for(pro.user)


def declare(api, booking, **body):
    return api.post(f"/api/v1/pro/bookings/{booking.pk}/declarations", body, format="json")


def assert_refused(response, status, code, booking, events_before):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert BookingEvent.objects.filter(booking=booking).count() == events_before
    assert record_of(booking).outcome == Outcome.PENDING


# --- pro side -----------------------------------------------------------------------------------


def test_pro_booking_detail_gives_the_session_state_and_what_may_be_declared(
    clock, session, pro_api
):
    booking = session(NOW + timedelta(minutes=45))
    body = pro_api.get(f"/api/v1/pro/bookings/{booking.pk}").json()
    assert body["id"] == booking.pk and body["session_state"] == "pending"
    assert body["check_in_required"] is True
    assert body["check_in_opens_at"] == "2026-03-02T09:15:00+01:00"
    assert body["may_leave_at"] == "2026-03-02T10:15:00+01:00"
    assert body["declaration_deadline"] == "2026-03-08T00:00:00+01:00"
    assert body["allowed_declarations"] == ["changed", "customer_wants_to_cancel", "pro_cancels"]

    clock.move_to(NOW + timedelta(minutes=15))
    body = pro_api.get(f"/api/v1/pro/bookings/{booking.pk}").json()
    assert "arrival" in body["allowed_declarations"] and "done" not in body["allowed_declarations"]


def test_arrival_before_check_in_opens_is_a_409_saying_when(clock, session, pro_api):
    booking = session(NOW + timedelta(minutes=31))
    before = BookingEvent.objects.filter(booking=booking).count()
    response = declare(pro_api, booking, kind="arrival")
    assert_refused(response, 409, "declaration_not_allowed", booking, before)
    assert "09:01" in response.json()["error"]["message"]


def test_declarations_through_the_api(clock, session, pro_api):
    booking = session(NOW + timedelta(minutes=10))
    response = declare(pro_api, booking, kind="arrival")
    assert response.status_code == 201, response.content
    assert response.json()["arrived_at"] == "2026-03-02T09:00:00+01:00"

    clock.move_to(NOW + timedelta(minutes=15))
    response = declare(pro_api, booking, kind="customer_absent")
    assert response.status_code == 201
    assert response.json()["may_leave_at"] == "2026-03-02T09:40:00+01:00"

    clock.move_to(NOW + timedelta(hours=2))
    response = declare(pro_api, booking, kind="done", actual_minutes=110)
    assert response.status_code == 201
    body = response.json()
    assert body["session_state"] == "done" and body["allowed_declarations"] == []
    assert body["billables"][0]["kind"] == "session"
    assert body["billables"][0]["billable_on"] == "2026-03-03"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "late", "minutes": 121}, "minutes"),
        ({"kind": "late"}, "minutes"),
        (
            {"kind": "changed", "start": "2026-03-02T10:00:00", "end": "2026-03-02T12:00:00+01:00"},
            "start",
        ),
        (
            {
                "kind": "changed",
                "start": "2026-03-02T12:00:00+01:00",
                "end": "2026-03-02T10:00:00+01:00",
            },
            "end",
        ),
        ({"kind": "pro_cancels"}, "reason"),
        ({"kind": "teleported"}, "kind"),
        ({"kind": "done", "actual_minutes": 0}, "actual_minutes"),
    ],
)
def test_bad_values_are_400_with_fields_and_write_nothing(clock, session, pro_api, body, field):
    booking = session(NOW + timedelta(minutes=10))
    before = BookingEvent.objects.filter(booking=booking).count()
    response = declare(pro_api, booking, **body)
    assert_refused(response, 400, "invalid", booking, before)
    assert field in response.json()["error"]["fields"]


def test_another_pros_booking_is_404(clock, session, cleaning):
    booking = session(NOW)
    other = client_for(dispatchable_pro(services=[cleaning]).user)
    before = BookingEvent.objects.filter(booking=booking).count()
    assert other.get(f"/api/v1/pro/bookings/{booking.pk}").status_code == 404
    assert_refused(declare(other, booking, kind="arrival"), 404, "not_found", booking, before)


def test_after_the_deadline_declarations_are_409_deadline_passed(clock, session, pro_api):
    booking = session(at(0, 10))
    clock.move_to(at(6, 0))
    before = BookingEvent.objects.filter(booking=booking).count()
    response = declare(pro_api, booking, kind="done")
    assert_refused(response, 409, "declaration_deadline_passed", booking, before)


def test_a_customer_account_is_not_a_pro(clock, session, customer):
    booking = session(NOW)
    response = client_for(customer.user).get(f"/api/v1/pro/bookings/{booking.pk}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_pro"


def test_to_declare_lists_pending_sessions_oldest_first(clock, session, pro_api, pro, massage):
    old = session(at(-4, 10))
    yesterday = session(at(-1, 10))
    soon = session(NOW + timedelta(minutes=20))
    session(NOW + timedelta(hours=3))  # check-in not open yet
    session(at(-2, 10), service=massage)  # closes by itself
    done = session(at(-3, 10))
    pro_api.post(f"/api/v1/pro/bookings/{done.pk}/declarations", {"kind": "done"}, format="json")
    session(at(-7, 10))  # past its deadline

    body = pro_api.get("/api/v1/pro/bookings?to_declare=true").json()
    assert [row["id"] for row in body["results"]] == [old.pk, yesterday.pk, soon.pk]
    assert body["results"][0]["days_left_to_declare"] == 2
    assert body["count"] == 3
    everything = pro_api.get("/api/v1/pro/bookings").json()
    assert everything["count"] == 7
    assert pro_api.get("/api/v1/pro/bookings?to_declare=maybe").status_code == 400


# --- customer side ------------------------------------------------------------------------------


def test_cancellation_quote_states_the_fee_and_when_it_changes(clock, session, customer):
    booking = session(NOW + timedelta(hours=9), booked_at=NOW - timedelta(days=1))
    api = client_for(customer.user)
    body = api.get(f"/api/v1/bookings/{booking.pk}/cancellation").json()
    assert body == {
        "booking": booking.pk,
        "cancellable": True,
        "fee_cents": 0,
        "fee_until": "2026-03-02T10:00:00+01:00",
        "next_fee_cents": 1000,
    }


def test_cancel_answers_the_fee_charged(clock, session, customer):
    booking = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(days=1))
    api = client_for(customer.user)
    response = api.post(f"/api/v1/bookings/{booking.pk}/cancel", {"reason": "Ill"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"booking": booking.pk, "status": "cancelled", "fee_cents": 2000}
    assert BillableItem.objects.get(booking=booking).amount_cents == 2000
    body = api.get(f"/api/v1/bookings/{booking.pk}/cancellation").json()
    assert body["cancellable"] is False and body["fee_cents"] == 0


def test_cancelling_someone_elses_booking_is_404_and_writes_nothing(clock, session):
    booking = session(NOW + timedelta(hours=3))
    stranger, _address = booking_customer()
    api = client_for(stranger.user)
    before = BookingEvent.objects.filter(booking=booking).count()
    assert api.get(f"/api/v1/bookings/{booking.pk}/cancellation").status_code == 404
    response = api.post(f"/api/v1/bookings/{booking.pk}/cancel", {}, format="json")
    assert_refused(response, 404, "not_found", booking, before)


def test_a_session_that_ended_cannot_be_cancelled(clock, session, customer):
    booking = session(NOW - timedelta(hours=3))
    response = client_for(customer.user).post(
        f"/api/v1/bookings/{booking.pk}/cancel", {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "booking_not_cancellable"


def test_schema_documents_our_paths_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in (
        "/api/v1/pro/bookings/{id}",
        "/api/v1/pro/bookings/{id}/declarations",
        "/api/v1/bookings/{id}/cancellation",
        "/api/v1/bookings/{id}/cancel",
    ):
        assert path in schema["paths"], path
    problems = [
        message
        for message in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
        if "checkin" in message
    ]
    assert problems == []
