"""The Stripe gateway's money calls against stripe-python with a fake HTTP client: request
paths, form bodies, Idempotency-Key and Stripe-Account headers as Stripe receives them."""

from types import SimpleNamespace

from payouts.models import Charge, Payout

from .test_stripe_gateway import gateway_with


def _charge(attempts=1, payment_id=""):
    return Charge(
        pk=7,
        booking_id=3,
        amount_cents=5880,
        attempts=attempts,
        gateway_payment_id=payment_id,
    )


def _intent(status, **extra):
    return {"id": "pi_1", "object": "payment_intent", "status": status, **extra}


def test_a_first_attempt_creates_and_confirms_an_off_session_payment_intent():
    gateway, http = gateway_with({("POST", "/v1/payment_intents"): (200, _intent("succeeded"))})
    result = gateway.charge_off_session(
        charge=_charge(), customer_gateway_id="cus_1", payment_method_id="pm_1"
    )
    assert (result.payment_id, result.status) == ("pi_1", "succeeded")
    (call,) = http.calls
    assert call["headers"]["Idempotency-Key"] == "wecasa-charge-7-1"
    body = call["body"]
    assert body["amount"] == ["5880"] and body["currency"] == ["eur"]
    assert body["customer"] == ["cus_1"] and body["payment_method"] == ["pm_1"]
    assert body["off_session"] == ["true"] and body["confirm"] == ["true"]
    assert body["transfer_group"] == ["booking-3"]
    assert body["metadata[wecasa_charge_id]"] == ["7"]


def test_a_retry_confirms_the_same_payment_intent_with_a_new_key():
    gateway, http = gateway_with(
        {("POST", "/v1/payment_intents/pi_1/confirm"): (200, _intent("succeeded"))}
    )
    gateway.charge_off_session(
        charge=_charge(attempts=2, payment_id="pi_1"),
        customer_gateway_id="cus_1",
        payment_method_id="pm_2",
    )
    (call,) = http.calls
    assert call["path"] == "/v1/payment_intents/pi_1/confirm"
    assert call["headers"]["Idempotency-Key"] == "wecasa-charge-7-2"
    assert call["body"] == {"payment_method": ["pm_2"], "off_session": ["true"]}


def test_authentication_required_and_declines_are_results():
    error = {
        "error": {
            "type": "card_error",
            "code": "authentication_required",
            "message": "Authentication required.",
            "payment_intent": _intent("requires_payment_method", client_secret="pi_1_secret_x"),
        }
    }
    gateway, _http = gateway_with({("POST", "/v1/payment_intents"): (402, error)})
    result = gateway.charge_off_session(
        charge=_charge(), customer_gateway_id="cus_1", payment_method_id="pm_1"
    )
    assert (result.status, result.payment_id, result.client_secret) == (
        "requires_action",
        "pi_1",
        "pi_1_secret_x",
    )
    error["error"]["code"] = "card_declined"
    gateway, _http = gateway_with({("POST", "/v1/payment_intents"): (402, error)})
    result = gateway.charge_off_session(
        charge=_charge(), customer_gateway_id="cus_1", payment_method_id="pm_1"
    )
    assert (result.status, result.failure_code, result.client_secret) == (
        "declined",
        "card_declined",
        "",
    )


def test_retrieving_a_payment_reads_refunds_and_disputes():
    intent = _intent(
        "succeeded",
        latest_charge={"id": "ch_1", "object": "charge", "amount_refunded": 500, "disputed": True},
    )
    gateway, http = gateway_with({("GET", "/v1/payment_intents/pi_1"): (200, intent)})
    result = gateway.retrieve_payment(payment_id="pi_1")
    assert (result.refunded_cents, result.disputed) == (500, True)


def _pro(iban="FR1420041010050500013M02606"):
    return SimpleNamespace(
        pk=9, iban=iban, account_holder="Amina Benali", user=SimpleNamespace(email="a@example.com")
    )


def test_a_connected_account_is_created_with_the_iban_and_manual_payouts():
    account = {"id": "acct_1", "object": "account", "payouts_enabled": True}
    gateway, http = gateway_with({("POST", "/v1/accounts"): (200, account)})
    result = gateway.account_sync(pro=_pro())
    assert (result.account_id, result.payouts_enabled) == ("acct_1", True)
    (call,) = http.calls
    body = call["body"]
    assert call["headers"]["Idempotency-Key"] == "wecasa-account-9"
    assert body["type"] == ["custom"] and body["country"] == ["FR"]
    assert body["capabilities[transfers][requested]"] == ["true"]
    assert body["external_account[account_number]"] == ["FR1420041010050500013M02606"]
    assert body["external_account[currency]"] == ["eur"]
    assert body["external_account[account_holder_name]"] == ["Amina Benali"]
    assert body["settings[payouts][schedule][interval]"] == ["manual"]


def test_a_new_iban_becomes_the_accounts_default_bank_account():
    bank = {"id": "ba_2", "object": "bank_account"}
    account = {"id": "acct_1", "object": "account", "payouts_enabled": True}
    gateway, http = gateway_with(
        {
            ("POST", "/v1/accounts/acct_1/external_accounts"): (200, bank),
            ("GET", "/v1/accounts/acct_1"): (200, account),
        }
    )
    gateway.account_sync(pro=_pro("FR7630006000011234567890189"), account_id="acct_1")
    add, _read = http.calls
    assert add["body"]["external_account[account_number]"] == ["FR7630006000011234567890189"]
    assert add["body"]["default_for_currency"] == ["true"]
    assert add["headers"]["Idempotency-Key"].startswith("wecasa-account-9-iban-")


def test_a_payout_is_a_transfer_then_a_bank_payout_on_the_connected_account():
    payout = Payout(pk=21, amount_cents=12_240, gateway_account_id="acct_1", attempts=0)
    gateway, http = gateway_with(
        {
            ("POST", "/v1/transfers"): (200, {"id": "tr_1", "object": "transfer"}),
            ("POST", "/v1/payouts"): (
                200,
                {"id": "po_1", "object": "payout", "status": "pending"},
            ),
            ("GET", "/v1/payouts/po_1"): (
                200,
                {
                    "id": "po_1",
                    "object": "payout",
                    "status": "failed",
                    "failure_code": "no_account",
                },
            ),
        }
    )
    assert gateway.transfer_create(payout=payout).transfer_id == "tr_1"
    bank = gateway.bank_payout_create(payout=payout)
    assert (bank.payout_id, bank.status) == ("po_1", "pending")
    later = gateway.retrieve_bank_payout(account_id="acct_1", payout_id="po_1")
    assert (later.status, later.failure_code) == ("failed", "no_account")
    transfer, bank_payout, read = http.calls
    assert transfer["headers"]["Idempotency-Key"] == "wecasa-payout-21-transfer-0"
    assert "Stripe-Account" not in transfer["headers"]  # from the platform's balance
    assert transfer["body"]["destination"] == ["acct_1"]
    assert transfer["body"]["amount"] == ["12240"] and transfer["body"]["currency"] == ["eur"]
    assert transfer["body"]["transfer_group"] == ["payout-21"]
    assert bank_payout["headers"]["Idempotency-Key"] == "wecasa-payout-21-bank-0"
    assert bank_payout["headers"]["Stripe-Account"] == "acct_1"
    assert bank_payout["body"]["amount"] == ["12240"]
    assert read["headers"]["Stripe-Account"] == "acct_1"


def test_a_transfer_refused_for_insufficient_balance_is_a_result():
    error = {
        "error": {
            "type": "invalid_request_error",
            "code": "balance_insufficient",
            "message": "Insufficient funds.",
        }
    }
    payout = Payout(pk=21, amount_cents=100, gateway_account_id="acct_1", attempts=1)
    gateway, http = gateway_with({("POST", "/v1/transfers"): (400, error)})
    result = gateway.transfer_create(payout=payout)
    assert (result.transfer_id, result.failure_code) == ("", "balance_insufficient")
    assert http.calls[0]["headers"]["Idempotency-Key"] == "wecasa-payout-21-transfer-1"
