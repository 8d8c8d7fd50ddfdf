# ruff: noqa: F401, F811  (fixtures imported from tests/privacy/privacy_world.py)
"""A customer exports their data, then closes their account through the API: the accounts
(bookings, charges, ledger, payouts) are unchanged, the person is erased and logged out."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db.models import Sum
from knox.models import AuthToken

from bookings.models import Booking, BookingRequest
from checkin.models import BillableItem
from core.models import AuditEvent
from customers.models import Address, PaymentMethod
from feedback.models import Message, Review
from payouts.models import Charge, LedgerEntry, Payout
from privacy import erasure
from tests.privacy.privacy_world import (  # fixtures
    NOW,
    PASSWORD,
    cleaning,
    clock,
    future_session,
    tasks_inline,
    world,
)

pytestmark = pytest.mark.django_db


def _login(api_client, user):
    response = api_client.post(
        "/api/v1/auth/token", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")


def _totals():
    return {
        "charges": Charge.objects.aggregate(s=Sum("amount_cents"))["s"],
        "charges_paid": Charge.objects.filter(status="succeeded").count(),
        "bookings": Booking.objects.filter(status="completed").aggregate(s=Sum("price_cents"))["s"],
        "ledger": LedgerEntry.objects.aggregate(s=Sum("amount_cents"))["s"],
        "payouts": Payout.objects.aggregate(s=Sum("amount_cents"))["s"],
    }


def test_export_then_close_keeps_the_accounts(
    world, api_client, mailoutbox, tasks_inline, django_capture_on_commit_callbacks
):
    customer, past = world["customer"], world["past"]
    user = customer.user
    _login(api_client, user)

    # 1. A copy of my data: 202, built on commit, e-mailed as a link.
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.get("/api/v1/me/export")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    link = re.search(r"https?://\S+/pro/data-export/\S+", mailoutbox[-1].body).group(0)
    download = api_client.get(
        link.split("localhost:8000", 1)[-1] if "localhost:8000" in link else link
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    data = json.loads(b"".join(download.streaming_content))
    assert data["profile"]["email"] == user.email
    assert data["customer"]["addresses"][0]["street"] == "12 rue des Lilas"
    assert {b["id"] for b in data["customer"]["bookings"]} == {past.pk, world["future"].pk}
    assert data["customer"]["charges"][0]["status"] == "succeeded"
    assert data["customer"]["reviews_written"][0]["comment"] == "Parfait, Awa est top"
    mine = [m for m in data["messages"] if m["written_by_me"]]
    assert [m["body"] for m in mine] == ["Le code est 4521B"]
    assert data["customer"]["bookings"][0]["pro_first_name"] == "Awa"  # no last name of others
    assert "Diallo" not in json.dumps(data)

    before = _totals()
    past_amounts = (past.price_cents, past.pro_net_cents, past.platform_share_cents)

    # 2. Wrong password: refused on the field, nothing written.
    response = api_client.delete("/api/v1/me", {"password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "password" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.is_active

    # 3. Close.
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204, response.content

    # The accounts are unchanged.
    assert _totals() == before
    past.refresh_from_db()
    assert (past.price_cents, past.pro_net_cents, past.platform_share_cents) == past_amounts
    assert past.status == "completed" and past.customer_id == customer.pk

    # Open work ended under the usual rules (free: 3 days ahead).
    world["future"].refresh_from_db()
    assert world["future"].status == "cancelled"
    assert not BillableItem.objects.filter(booking=world["future"]).exists()
    world["request"].refresh_from_db()
    assert world["request"].status == BookingRequest.Status.CANCELLED

    # The person is erased.
    user.refresh_from_db()
    assert user.email == f"closed-{user.pk}@closed.invalid"
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    address = Address.objects.get(customer=customer)
    assert address.street == "" and address.label == "" and address.deleted_at is not None
    assert address.city == "Paris"
    assert str(address.lat) == "48.860000"
    assert Message.objects.get(sender=user).body == "[…]"
    assert Message.objects.get(sender=world["pro"].user).body == "Merci, à mardi"  # the pro's
    review = Review.objects.get(customer=customer)
    assert (review.rating, review.comment) == (5, "")
    assert PaymentMethod.objects.get(customer=customer).last4 == ""
    world["request"].refresh_from_db()
    assert world["request"].notes == ""
    closed = AuditEvent.objects.get(action="privacy.account_closed")
    assert closed.data["by"] == "owner" and closed.actor_id == user.pk

    # Logged out everywhere, cannot log in again; the goodbye went to the old address.
    assert not AuthToken.objects.filter(user=user).exists()
    assert api_client.get("/api/v1/me").status_code == 401
    assert mailoutbox[-1].to == [data["profile"]["email"]]

    # Idempotent: closing again changes nothing.
    assert erasure.account_close(user=user, by=user) is False
    assert AuditEvent.objects.filter(action="privacy.account_closed").count() == 1


def test_a_fee_or_a_session_in_progress_blocks_closing(world, api_client, cleaning):
    customer = world["customer"]
    soon = future_session(
        pro=world["pro"],
        customer=customer,
        service=cleaning,
        start=NOW + timedelta(hours=5),  # 8 h to 4 h before: a €10 fee
        booked_at=NOW - timedelta(days=2),
    )
    _login(api_client, customer.user)
    response = api_client.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "account_closure_blocked"
    customer.user.refresh_from_db()
    assert customer.user.is_active and customer.user.first_name == "Léa"
    soon.refresh_from_db()
    world["future"].refresh_from_db()
    assert soon.status == world["future"].status == "confirmed"  # nothing cancelled


def test_api_errors(world, api_client):
    assert api_client.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 401
    assert api_client.get("/api/v1/me/export").status_code == 401
    _login(api_client, world["customer"].user)
    response = api_client.delete("/api/v1/me", {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["password"]
    response = api_client.delete("/api/v1/me", {"password": 1234}, format="json")
    assert response.status_code == 400


def test_support_closes_a_customer_from_the_admin_with_a_reason(world, client, django_user_model):
    from wecasa.roles import ensure_support_group

    support = django_user_model.objects.create_user("sup@example.com", "x", is_staff=True)
    support.groups.add(ensure_support_group())
    client.force_login(support)
    customer = world["customer"]
    url = "/admin/customers/customer/"
    common = {"action": "close_account", "_selected_action": [customer.pk]}
    page = client.post(url, common)
    assert page.status_code == 200  # the reason step
    client.post(url, {**common, "apply": "1", "reason": ""})
    customer.user.refresh_from_db()
    assert customer.user.is_active  # no reason, nothing done
    done = client.post(url, {**common, "apply": "1", "reason": "Demande par e-mail du 12/04"})
    customer.user.refresh_from_db()
    assert not customer.user.is_active
    # French by default, and a plural (ngettext), not "compte(s) fermé(s)".
    assert "1 compte fermé." in [str(m) for m in get_messages(done.wsgi_request)]
    event = AuditEvent.objects.get(action="privacy.account_closed")
    assert event.actor_id == support.pk
    assert event.data["by"] == "support" and event.data["reason"] == "Demande par e-mail du 12/04"
