"""Charging the day after: one charge per billable item, claimed before the provider is
called, retried on days 1 and 3, the customer told; the charge_due command."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from notifications.models import Notification
from payouts import services
from payouts.models import Charge
from payouts.services import charges as charge_services

from .conftest import close_session, make_customer, paris

pytestmark = pytest.mark.django_db

SESSION_DAY = paris(2026, 3, 3, 10)  # a Tuesday
BILLABLE_ON = date(2026, 3, 4)


@pytest.fixture
def item(pro, customer, cleaning):
    return close_session(pro=pro, customer=customer, service=cleaning, start=SESSION_DAY)


def test_an_item_is_charged_on_its_billable_day_once(item, gateway):
    assert item.billable_on == BILLABLE_ON
    nothing = services.charges_run_due(on=BILLABLE_ON - timedelta(days=1), gateway=gateway)
    assert (nothing.created, Charge.objects.count()) == (0, 0)

    summary = services.charges_run_due(on=BILLABLE_ON, gateway=gateway)
    charge = Charge.objects.get()
    assert (summary.created, summary.attempted) == (1, 1)
    assert charge.status == Charge.Status.SUCCEEDED
    assert charge.amount_cents == item.amount_cents and charge.attempts == 1
    assert charge.gateway_payment_id == f"pi_fake_{charge.pk}"
    assert charge.payment_method.customer_id == item.booking.customer_id
    assert AuditEvent.objects.filter(action="charge.succeeded").count() == 1

    again = services.charges_run_due(on=BILLABLE_ON, gateway=gateway)
    assert (again.created, again.attempted) == (0, 0)
    assert Charge.objects.count() == 1


def test_the_database_refuses_a_second_charge_for_an_item(item, gateway):
    services.charges_run_due(on=BILLABLE_ON, gateway=gateway)
    charge = Charge.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Charge.objects.create(
            billable=item,
            customer=charge.customer,
            booking=charge.booking,
            amount_cents=100,
            first_due_on=BILLABLE_ON,
            due_on=BILLABLE_ON,
        )


def test_a_claimed_charge_is_not_attempted_by_a_second_worker(item, gateway, monkeypatch):
    services.charges_create_due(on=BILLABLE_ON)
    charge = Charge.objects.get()
    assert charge_services._claim(charge.pk, today=BILLABLE_ON)
    calls = []
    monkeypatch.setattr(gateway, "charge_off_session", lambda **kw: calls.append(kw))
    returned = services.charge_attempt(charge_id=charge.pk, today=BILLABLE_ON, gateway=gateway)
    assert returned.status == Charge.Status.PROCESSING and calls == []


def test_a_dead_workers_claim_is_retried_with_the_same_idempotency_key(item, gateway):
    services.charges_create_due(on=BILLABLE_ON)
    charge = Charge.objects.get()
    charge_services._claim(charge.pk, today=BILLABLE_ON)
    charge.refresh_from_db()
    # The worker called the provider, then died before writing the answer.
    gateway.charge_off_session(
        charge=charge, customer_gateway_id="cus_x", payment_method_id="pm_fake_visa_1"
    )
    with time_machine.travel(charge.claimed_at + timedelta(minutes=16)):
        assert services.charges_release_stale_claims() == 1
    charge.refresh_from_db()
    assert (charge.status, charge.attempts) == (Charge.Status.DUE, 0)
    charge = services.charge_attempt(charge_id=charge.pk, today=BILLABLE_ON, gateway=gateway)
    assert (charge.status, charge.attempts) == (Charge.Status.SUCCEEDED, 1)
    from payouts.models import FakeGatewayObject

    # One attempt at the provider (same key): the customer was charged once.
    assert FakeGatewayObject.objects.filter(kind="charge_attempt").count() == 1


def test_a_declined_card_is_retried_on_days_1_and_3_then_fails(pro, cleaning, gateway):
    customer = make_customer(card="pm_fake_chargefail_")
    close_session(pro=pro, customer=customer, service=cleaning, start=SESSION_DAY)
    services.charges_run_due(on=BILLABLE_ON, gateway=gateway)
    charge = Charge.objects.get()
    assert (charge.status, charge.failure_code) == (Charge.Status.DUE, "card_declined")
    assert charge.due_on == BILLABLE_ON + timedelta(days=1)
    told = Notification.objects.filter(user=customer.user, kind="charge_failed")
    assert told.count() == 1 and "5 mars 2026" in told.get().body

    assert services.charges_run_due(on=BILLABLE_ON + timedelta(days=1), gateway=gateway).attempted
    charge.refresh_from_db()
    assert (charge.attempts, charge.due_on) == (2, BILLABLE_ON + timedelta(days=3))
    # Day 2: nothing to do.
    assert not services.charges_run_due(
        on=BILLABLE_ON + timedelta(days=2), gateway=gateway
    ).attempted

    services.charges_run_due(on=BILLABLE_ON + timedelta(days=3), gateway=gateway)
    charge.refresh_from_db()
    assert (charge.status, charge.attempts) == (Charge.Status.FAILED, 3)
    assert charge.failed_at is not None
    assert told.count() == 3 and told.filter(data__final=True).count() == 1
    # Support retries it later, once the customer saved a card that works.
    method = customer.payment_methods.get()
    method.gateway_payment_method_id = f"pm_fake_visa_{customer.pk}"
    method.save()
    charge = services.charge_retry_now(charge=charge, by=None)
    charge = services.charge_attempt(charge_id=charge.pk, gateway=gateway)
    assert charge.status == Charge.Status.SUCCEEDED


def test_authentication_required_gives_the_app_a_client_secret(pro, cleaning, gateway):
    customer = make_customer(card="pm_fake_authrequired_")
    close_session(pro=pro, customer=customer, service=cleaning, start=SESSION_DAY)
    services.charges_run_due(on=BILLABLE_ON, gateway=gateway)
    charge = Charge.objects.get()
    assert charge.failure_code == "authentication_required"
    assert charge.client_secret.startswith(charge.gateway_payment_id)
    note = Notification.objects.get(user=customer.user, kind="charge_failed")
    assert "confirm" in note.title.lower() or "confirm" in note.body.lower()


def test_a_customer_without_card_is_declined_then_charged_after_saving_one(pro, cleaning, gateway):
    customer = make_customer(card=None)
    close_session(pro=pro, customer=customer, service=cleaning, start=SESSION_DAY)
    services.charges_run_due(on=BILLABLE_ON, gateway=gateway)
    charge = Charge.objects.get()
    assert charge.failure_code == "no_payment_method"
    services.payment_method_save(customer=customer, payment_method_id="pm_card_visa")
    services.charges_run_due(on=BILLABLE_ON + timedelta(days=1), gateway=gateway)
    charge.refresh_from_db()
    assert charge.status == Charge.Status.SUCCEEDED and charge.attempts == 2


def test_a_waivable_fee_is_not_charged_before_its_day(pro, customer, cleaning, gateway):
    fee = close_session(
        pro=pro, customer=customer, service=cleaning, start=SESSION_DAY, kind="no_show_fee"
    )
    services.charges_run_due(on=fee.billable_on - timedelta(days=1), gateway=gateway)
    assert not Charge.objects.exists()
    services.charges_run_due(on=fee.billable_on, gateway=gateway)
    assert Charge.objects.get().status == Charge.Status.SUCCEEDED


def test_charge_due_command_is_safe_to_run_twice_and_dry_runs(item):
    out = StringIO()
    call_command("charge_due", "--date", BILLABLE_ON.isoformat(), "--dry-run", stdout=out)
    assert "would_charge" in out.getvalue() and not Charge.objects.exists()
    out = StringIO()
    call_command("charge_due", "--date", BILLABLE_ON.isoformat(), stdout=out)
    text = out.getvalue()
    assert "succeeded" in text and "Total" in text
    assert Charge.objects.get().status == Charge.Status.SUCCEEDED
    out = StringIO()
    call_command("charge_due", "--date", BILLABLE_ON.isoformat(), stdout=out)
    assert "0 charge" in out.getvalue()
    assert Charge.objects.count() == 1
