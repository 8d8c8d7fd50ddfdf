"""The Stripe implementation of `detach_payment_method` (account closure), against
stripe-python with a fake HTTP client (tests/payouts/test_stripe_gateway.py)."""

import pytest

from payouts.gateway import GatewayUnavailable
from tests.payouts.test_stripe_gateway import card_pm, gateway_with

DETACH = ("POST", "/v1/payment_methods/pm_1/detach")


def test_detach_calls_stripe_with_an_idempotency_key():
    gateway, http = gateway_with({DETACH: (200, card_pm("pm_1"))})
    gateway.detach_payment_method(payment_method_id="pm_1")
    (call,) = http.calls
    assert (call["method"], call["path"]) == DETACH
    assert call["headers"]["Idempotency-Key"] == "wecasa-detach-pm_1"


def test_a_card_no_longer_attached_counts_as_detached():
    refused = {
        "error": {
            "type": "invalid_request_error",
            "message": "The payment method you provided is not attached to a customer so"
            " detachment is impossible.",
        }
    }
    gateway, http = gateway_with({DETACH: (400, refused)})
    gateway.detach_payment_method(payment_method_id="pm_1")  # no exception
    assert len(http.calls) == 1


def test_stripe_down_raises_gateway_unavailable():
    gateway, _http = gateway_with({DETACH: (500, {"error": {"type": "api_error"}})})
    with pytest.raises(GatewayUnavailable):
        gateway.detach_payment_method(payment_method_id="pm_1")
