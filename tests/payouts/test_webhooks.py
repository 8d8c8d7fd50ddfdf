"""POST /webhooks/stripe: real signatures (stripe.WebhookSignature), stored once by id,
processed by a task that re-reads the object; forged or stale events refused."""

import time
from datetime import timedelta

import pytest
import time_machine

from payouts import services
from payouts.models import Charge, Payout, PayoutAccount, WebhookEvent

from .conftest import close_session, event, make_customer, make_pro, paris, sign

pytestmark = pytest.mark.django_db
URL = "/webhooks/stripe"


def post(client, payload, **sign_options):
    body, header = sign(payload, **sign_options)
    return client.post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.fixture
def waiting_charge(pro, cleaning, gateway):
    """A charge the bank asked the customer to confirm."""
    customer = make_customer(card="pm_fake_authrequired_")
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    services.charges_run_due(on=item.billable_on, gateway=gateway)
    return Charge.objects.get()


def test_a_signed_event_is_stored_once_and_processed_once(
    client, waiting_charge, gateway, django_capture_on_commit_callbacks
):
    payload = event("evt_1", "payment_intent.succeeded", {"id": waiting_charge.gateway_payment_id})
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, payload)
    assert response.status_code == 200 and len(callbacks) == 1
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.status, stored.object_id) == (
        "evt_1",
        WebhookEvent.Status.RECEIVED,
        waiting_charge.gateway_payment_id,
    )
    # The payload says "succeeded" but the provider says otherwise: nothing changes.
    services.webhook_process(event_id=stored.pk, gateway=gateway)
    waiting_charge.refresh_from_db()
    assert waiting_charge.status == Charge.Status.DUE
    # The customer confirms in the app; the same event arrives again (replay): 200, nothing new.
    gateway.simulate_payment(waiting_charge.gateway_payment_id, status="succeeded")
    with django_capture_on_commit_callbacks() as callbacks:
        assert post(client, payload).status_code == 200
    assert callbacks == [] and WebhookEvent.objects.count() == 1
    # A new event triggers the re-read, which finds it paid.
    second = event("evt_2", "payment_intent.succeeded", {"id": waiting_charge.gateway_payment_id})
    post(client, second)
    row = WebhookEvent.objects.get(event_id="evt_2")
    assert services.webhook_process(event_id=row.pk, gateway=gateway).status == "processed"
    waiting_charge.refresh_from_db()
    assert waiting_charge.status == Charge.Status.SUCCEEDED
    # Processing twice changes nothing.
    assert services.webhook_process(event_id=row.pk, gateway=gateway).attempts == 1


def test_forged_stale_or_unsigned_events_are_refused_and_nothing_stored(client):
    payload = event("evt_forged", "payment_intent.succeeded", {"id": "pi_1"})
    assert post(client, payload, secret="whsec_someone_else").status_code == 400
    assert post(client, payload, timestamp=int(time.time()) - 3600).status_code == 400
    body, _header = sign(payload)
    assert client.post(URL, data=body, content_type="application/json").status_code == 400
    tampered = body.replace(b"pi_1", b"pi_2")
    _body, header = sign(payload)
    response = client.post(
        URL, data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    assert client.get(URL).status_code == 405
    assert not WebhookEvent.objects.exists()


def test_the_endpoint_needs_no_csrf_token(customer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, event("evt_csrf", "ping.unknown", {"id": "x"})).status_code == 200
    row = WebhookEvent.objects.get()
    assert services.webhook_process(event_id=row.pk).status == WebhookEvent.Status.IGNORED


def test_refunds_and_disputes_are_re_read_and_shown_on_the_charge(
    client, pro, customer, cleaning, gateway
):
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    services.charges_run_due(on=item.billable_on, gateway=gateway)
    charge = Charge.objects.get()
    gateway.simulate_payment(charge.gateway_payment_id, refunded=1500, disputed=True)
    obj = {"id": "ch_1", "object": "charge", "payment_intent": charge.gateway_payment_id}
    post(client, event("evt_refund", "charge.refunded", obj))
    post(client, event("evt_dispute", "charge.dispute.created", {**obj, "id": "dp_1"}))
    for row in WebhookEvent.objects.order_by("pk"):
        services.webhook_process(event_id=row.pk, gateway=gateway)
    charge.refresh_from_db()
    assert charge.refunded_cents == 1500 and charge.disputed_at is not None


def test_a_connect_payout_failure_fails_the_payout(client, customer, cleaning, gateway):
    from payouts.gateway.fake import PAYOUT_FAILS_IBAN

    pro = make_pro(iban=PAYOUT_FAILS_IBAN)
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5))
    with time_machine.travel(paris(2026, 3, 11, 10), tick=False):
        services.payout_batch_run(frequency="weekly", gateway=gateway)
    payout = Payout.objects.get()
    assert payout.status == Payout.Status.SENT
    obj = {"id": payout.gateway_payout_id, "object": "payout", "status": "paid"}  # a lie
    post(client, event("evt_po", "payout.failed", obj, account=payout.gateway_account_id))
    row = WebhookEvent.objects.get()
    assert row.account == payout.gateway_account_id
    services.webhook_process(event_id=row.pk, gateway=gateway)
    payout.refresh_from_db()
    assert (payout.status, payout.failure_code) == (Payout.Status.FAILED, "no_account")
    assert PayoutAccount.objects.get(pro=pro).problem.startswith("bank payout failed")


def test_a_paid_bank_payout_is_marked_arrived(client, pro, customer, cleaning, gateway):
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5))
    with time_machine.travel(paris(2026, 3, 11, 10), tick=False):
        services.payout_batch_run(frequency="weekly", gateway=gateway)
    payout = Payout.objects.get()
    gateway.simulate_bank_payout(payout.gateway_account_id, payout.gateway_payout_id, status="paid")
    obj = {"id": payout.gateway_payout_id, "object": "payout"}
    post(client, event("evt_paid", "payout.paid", obj, account=payout.gateway_account_id))
    services.webhook_process(event_id=WebhookEvent.objects.get().pk, gateway=gateway)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.paid_at is not None


def test_events_whose_task_was_lost_are_processed_by_the_sweep(client, gateway):
    post(client, event("evt_lost", "account.updated", {"id": "acct_unknown"}))
    assert services.webhooks_process_stale(older_than=WebhookEvent.objects.get().received_at) == 0
    later = WebhookEvent.objects.get().received_at + timedelta(minutes=6)
    assert services.webhooks_process_stale(older_than=later, gateway=gateway) == 1
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED


def test_connect_events_may_be_signed_with_the_connect_endpoint_secret(client, settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_connect"
    payload = event("evt_acct", "account.updated", {"id": "acct_1"}, account="acct_1")
    assert post(client, payload, secret="whsec_connect").status_code == 200
    assert post(client, {**payload, "id": "evt_x"}, secret="whsec_other").status_code == 400
    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == ["evt_acct"]
