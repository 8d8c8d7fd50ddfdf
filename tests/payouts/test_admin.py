"""Support's money admin: read-only pages, actions through services, adjustments with a
reason; the Support role gets exactly the declared permissions."""

import pytest
from django.contrib.auth.models import Group

from core.models import AuditEvent
from payouts import services
from payouts.models import Charge, LedgerEntry
from tests.factories import UserFactory
from wecasa.roles import SUPPORT_GROUP

from .conftest import close_session, make_customer, paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=SUPPORT_GROUP))
    return user


def test_support_has_the_declared_money_permissions(support):
    granted = {
        f"payouts.{codename}"
        for codename in Group.objects.get(name=SUPPORT_GROUP)
        .permissions.filter(content_type__app_label="payouts")
        .values_list("codename", flat=True)
    }
    assert granted == {
        "payouts.view_charge",
        "payouts.change_charge",
        "payouts.view_payout",
        "payouts.change_payout",
        "payouts.view_payoutitem",
        "payouts.view_ledgerentry",
        "payouts.add_ledgerentry",
        "payouts.view_payoutaccount",
        "payouts.change_payoutaccount",
        "payouts.view_webhookevent",
        "payouts.change_webhookevent",
    }


def test_every_money_page_opens_for_support(client, support, pro, customer, cleaning, gateway):
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    services.charges_run_due(on=item.billable_on, gateway=gateway)
    client.force_login(support)
    for name in ("charge", "payout", "ledgerentry", "payoutaccount", "webhookevent"):
        assert client.get(f"/admin/payouts/{name}/").status_code == 200, name
    charge = Charge.objects.get()
    page = client.get(f"/admin/payouts/charge/{charge.pk}/change/")
    assert page.status_code == 200 and b'name="amount_cents"' not in page.content


def test_support_adds_an_adjustment_with_a_reason(client, support, pro):
    client.force_login(support)
    refused = client.post(
        "/admin/payouts/ledgerentry/add/", {"pro": pro.pk, "amount_cents": -500, "reason": ""}
    )
    assert refused.status_code == 200 and not LedgerEntry.objects.exists()
    response = client.post(
        "/admin/payouts/ledgerentry/add/",
        {"pro": pro.pk, "amount_cents": -500, "reason": "Broken vase"},
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.amount_cents, entry.reason, entry.created_by) == (-500, "Broken vase", support)
    assert AuditEvent.objects.filter(action="ledger.adjusted", actor=support).exists()
    # Nothing edits it afterwards.
    client.post(
        f"/admin/payouts/ledgerentry/{entry.pk}/change/",
        {"pro": pro.pk, "amount_cents": 99999, "reason": "x"},
    )
    entry.refresh_from_db()
    assert entry.amount_cents == -500


def test_support_retries_a_failed_charge(client, support, pro, cleaning, gateway):
    customer = make_customer(card="pm_fake_chargefail_")
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    services.charges_run_due(on=item.billable_on, gateway=gateway)
    charge = Charge.objects.get()
    method = customer.payment_methods.get()
    method.gateway_payment_method_id = f"pm_fake_visa_{customer.pk}"
    method.save()
    client.force_login(support)
    client.post("/admin/payouts/charge/", {"action": "retry", "_selected_action": [charge.pk]})
    charge.refresh_from_db()
    assert charge.status == Charge.Status.SUCCEEDED
