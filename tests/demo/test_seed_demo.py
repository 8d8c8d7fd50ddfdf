"""The demo world `make run` loads, and the issue's "done when" journey on top of it."""

from datetime import time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bookings.models import Booking, Favorite
from bookings.services import dispatch_sweep
from catalog.models import Service
from core import clock
from customers.models import Customer
from customers.services import auth_token_issue
from pros.models import Pro

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def _token(api_client, email):
    response = api_client.post(
        "/api/v1/auth/token", {"email": email, "password": "demo1234"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_seed_demo_builds_the_documented_world(demo):
    pros = Pro.objects.filter(user__email__regex=r"^pro\d+@example\.com$")
    assert pros.count() == 10
    for pro in pros:
        assert pro.status == Pro.Status.ACTIVE and pro.is_id_verified and not pro.is_paused
        assert pro.iban and pro.services.count() == Service.objects.active().count()
        assert pro.working_hours.count() == 7
        assert pro.radius_km == 10 and pro.zone_cells.filter(dispatchable=True).count() > 50
    customers = Customer.objects.filter(user__email__startswith="customer")
    assert customers.count() == 3
    for customer in customers:
        assert customer.addresses.active().count() == 1
        assert customer.payment_methods.filter(is_default=True).count() == 1
    support = get_user_model().objects.get(email="support@example.com")
    assert support.is_staff and support.groups.filter(name="Support").exists()
    assert support.has_perm("pros.change_document") and support.has_perm(
        "bookings.view_bookingrequest"
    )
    customer1 = customers.get(user__email="customer1@example.com")
    served = Booking.objects.filter(customer=customer1, status=Booking.Status.COMPLETED)
    assert sorted(served.values_list("pro__user__email", flat=True)) == [
        "pro1@example.com",
        "pro2@example.com",
        "pro3@example.com",
    ]
    assert Favorite.objects.filter(customer=customer1, pro__user__email="pro1@example.com").exists()
    assert Pro.objects.get(user__email="pro1@example.com").has_personal_link


def test_seed_demo_is_idempotent(demo):
    counts = (get_user_model().objects.count(), Booking.objects.count(), Pro.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        get_user_model().objects.count(),
        Booking.objects.count(),
        Pro.objects.count(),
    ) == counts


def test_demo_customer_books_and_pros_answer_one_after_another(demo, api_client):
    customer_token = _token(api_client, "customer1@example.com")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {customer_token}")
    address = api_client.get("/api/v1/addresses").json()["results"][0]
    service = Service.objects.get(slug="menage-2h")
    start = clock.paris_datetime(
        clock.today() + timedelta(days=4), time(10, 0)
    )  # >= 48 h: 1 pro at a time
    response = api_client.post(
        "/api/v1/booking-requests",
        {
            "service": service.pk,
            "address": address["id"],
            "start": start.isoformat(),
            "notes": "Code 1234B",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert response.json()["price_cents"] == service.price_cents

    dispatch_sweep()  # what the worker woken on commit does

    tokens = {}  # log in once per pro: the login endpoint is throttled per client

    def open_proposals(email):
        if email not in tokens:
            user = get_user_model().objects.get(email=email)
            tokens[email] = auth_token_issue(user=user).key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[email]}")
        return [p for p in api_client.get("/api/v1/pro/proposals").json()["results"]]

    # The favourite first, then the two pros who served this customer; one at a time.
    asked = []
    for _ in range(2):
        holders = [
            f"pro{n}@example.com" for n in range(1, 11) if open_proposals(f"pro{n}@example.com")
        ]
        assert len(holders) == 1
        asked.append(holders[0])
        proposal = open_proposals(holders[0])[0]
        assert proposal["pro_net_cents"] == service.pro_net_cents
        assert "rue" not in proposal["neighbourhood"]  # no exact address before accepting
        refused = api_client.post(f"/api/v1/pro/proposals/{proposal['id']}/refuse")
        assert refused.status_code == 200, refused.content
        dispatch_sweep()  # what the woken worker does at once
    assert asked[0] == "pro1@example.com"
    assert asked[1] in {"pro2@example.com", "pro3@example.com"}

    holders = [f"pro{n}@example.com" for n in range(1, 11) if open_proposals(f"pro{n}@example.com")]
    assert len(holders) == 1 and holders[0] not in asked
    proposal = open_proposals(holders[0])[0]
    accepted = api_client.post(f"/api/v1/pro/proposals/{proposal['id']}/accept")
    assert accepted.status_code == 200, accepted.content

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {customer_token}")
    detail = api_client.get(f"/api/v1/booking-requests/{request_id}").json()
    assert detail["status"] == "confirmed"
    assert detail["booking"]["id"] == accepted.json()["booking"]
    assert Booking.objects.get(pk=detail["booking"]["id"]).pro.user.email == holders[0]
