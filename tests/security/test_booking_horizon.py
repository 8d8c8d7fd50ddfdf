"""Far-future times (issue 7, item 9): one rule, "at most a year ahead" (bookings.rules), for the
API field, the web forms and the services. `9999-12-31T23:59` in the counter-offer form was a
500 OverflowError; it is now the form's error, and nothing is written."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from bookings import rules, services, tasks
from bookings.forms import CounterForm, SessionForm
from bookings.models import BookingRequest, CounterOffer
from catalog.models import Service
from core.errors import InvalidInput
from tests.bookings.helpers import NOW, at
from tests.factories import booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(db):
    return Service.objects.get(slug="menage-2h")


@pytest.fixture
def proposal(clock, service):
    customer, address = booking_customer()
    pro = dispatchable_pro(services=[service])
    request = services.booking_request_create(
        customer=customer, service=service, address=address, start=at(3, 10)
    )
    tasks.dispatch_request(request.pk)
    return request.proposals.get(pro=pro)


def _counter(proposal, start: str):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(proposal.pro.user)
    return client.post(f"/pro/proposals/{proposal.pk}/counter", {"start": start}, headers=HTMX)


def test_the_rule_a_year_ahead_and_not_before_2000(clock, settings):
    assert settings.BOOKING_MAX_AHEAD == timedelta(days=366)
    assert rules.horizon_problem(NOW + timedelta(days=366), NOW) is None
    assert rules.horizon_problem(NOW + timedelta(days=366, seconds=1), NOW) == "too_far"
    assert rules.horizon_problem(at(-365 * 27, 10), NOW) == "too_early"
    with pytest.raises(InvalidInput) as refused:
        rules.check_horizon(NOW + timedelta(days=400), NOW, field="start")
    assert refused.value.fields == {"start": ["Trop loin dans le futur."]}


@pytest.mark.parametrize("start", ["9999-12-31T23:59", "0001-01-01T00:00", "1999-06-01T10:00"])
def test_web_counter_offer_far_away_is_a_form_error(clock, proposal, start):
    response = _counter(proposal, start)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too far in the" in html
    assert f'id="proposal-{proposal.pk}-open"' in html
    assert not CounterOffer.objects.exists()


def test_web_counter_offer_without_htmx_redirects_with_the_message(clock, proposal):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(proposal.pro.user)
    response = client.post(
        f"/pro/proposals/{proposal.pk}/counter", {"start": "9999-12-31T23:59"}, follow=True
    )
    assert response.status_code == 200
    assert "Too far in the future." in response.content.decode()
    assert not CounterOffer.objects.exists()


def test_web_counter_offer_within_a_year_still_works(clock, proposal):
    start = (NOW + timedelta(days=300)).replace(hour=10, minute=0)
    _counter(proposal, start.strftime(LOCAL))
    assert CounterOffer.objects.get().start == start


def test_the_forms_apply_the_rule(clock):
    limit = NOW + timedelta(days=366)
    assert CounterForm({"start": limit.strftime(LOCAL)}).is_valid()
    beyond = CounterForm({"start": (limit + timedelta(minutes=15)).strftime(LOCAL)})
    assert not beyond.is_valid()
    assert beyond.errors.as_data()["start"][0].code == "too_far"
    session = SessionForm(
        {"start": "9999-12-31T23:59"}, customers=[], services=Service.objects.none()
    )
    assert session.errors.as_data()["start"][0].code == "too_far"


def test_services_apply_the_rule(clock, proposal, service):
    far = NOW + timedelta(days=367)
    with pytest.raises(InvalidInput) as refused:
        services.proposal_counter(proposal=proposal, pro=proposal.pro, start=far)
    assert set(refused.value.fields) == {"start"}
    request = proposal.request
    with pytest.raises(InvalidInput):
        services.booking_request_create(
            customer=request.customer, service=service, address=request.address, start=far
        )
    assert BookingRequest.objects.count() == 1
    assert not CounterOffer.objects.exists()


def test_the_api_refuses_beyond_a_year(clock, api_client, proposal):
    api_client.force_authenticate(proposal.request.customer.user)
    body = {
        "service": proposal.request.service_id,
        "address": proposal.request.address_id,
        "start": (NOW + timedelta(days=367)).isoformat(),
    }
    response = api_client.post("/api/v1/booking-requests", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == {"start"}
