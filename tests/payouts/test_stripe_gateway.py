"""The Stripe gateway against stripe-python itself, with a fake HTTP client: no network, but the
real request paths, form bodies and headers stripe-python would send."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from core.errors import InvalidInput
from customers.models import PaymentMethod
from payouts.gateway import CardDeclined, GatewayUnavailable
from payouts.gateway.stripe_gateway import StripeGateway
from payouts.services import payment_methods as services
from tests.factories import CustomerFactory


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers from a routing table {(method, path): (status, body)} and records every call."""

    name = "fake"

    def __init__(self, routes):
        super().__init__()
        self.routes = routes
        self.calls = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = urlsplit(url).path
        body = parse_qs(post_data.decode() if isinstance(post_data, bytes) else (post_data or ""))
        self.calls.append(
            {"method": method.upper(), "path": path, "headers": dict(headers), "body": body}
        )
        status, payload = self.routes[(method.upper(), path)]
        return json.dumps(payload), status, {"Request-Id": f"req_{len(self.calls)}"}

    def close(self):
        pass


def card_pm(pm_id, customer=None, brand="visa", last4="4242"):
    return {
        "id": pm_id,
        "object": "payment_method",
        "type": "card",
        "customer": customer,
        "card": {"brand": brand, "last4": last4, "exp_month": 8, "exp_year": 2031},
    }


def gateway_with(routes):
    http = FakeStripeHTTP(routes)
    client = stripe.StripeClient("sk_test_123", http_client=http, max_network_retries=0)
    return StripeGateway(client=client), http


@pytest.fixture
def customer():
    return CustomerFactory(
        user__email="alice@example.com", user__first_name="Alice", user__last_name="Martin"
    )


@pytest.fixture
def use_stripe(monkeypatch):
    """Route payouts.services through a StripeGateway on the fake HTTP client."""

    def install(routes):
        gateway, http = gateway_with(routes)
        monkeypatch.setattr(services, "get_gateway", lambda: gateway)
        return http

    return install


@pytest.mark.django_db
def test_setup_intent_creates_customer_then_off_session_intent(customer, use_stripe):
    http = use_stripe(
        {
            ("POST", "/v1/customers"): (200, {"id": "cus_123", "object": "customer"}),
            ("POST", "/v1/setup_intents"): (
                200,
                {"id": "seti_1", "object": "setup_intent", "client_secret": "seti_1_secret_abc"},
            ),
        }
    )
    intent, gateway = services.setup_intent_create(customer=customer)
    assert intent.client_secret == "seti_1_secret_abc"
    assert gateway.name == "stripe"

    create_customer, create_intent = http.calls
    assert create_customer["path"] == "/v1/customers"
    assert create_customer["headers"]["Idempotency-Key"] == f"wecasa-customer-{customer.pk}"
    assert create_customer["headers"]["Authorization"] == "Bearer sk_test_123"
    assert create_customer["body"]["email"] == ["alice@example.com"]
    assert create_customer["body"]["name"] == ["Alice Martin"]
    assert create_customer["body"]["metadata[wecasa_customer_id]"] == [str(customer.pk)]

    assert create_intent["path"] == "/v1/setup_intents"
    assert create_intent["body"]["customer"] == ["cus_123"]
    assert create_intent["body"]["usage"] == ["off_session"]
    assert create_intent["body"]["payment_method_types[0]"] == ["card"]
    assert create_intent["headers"]["Idempotency-Key"] == f"wecasa-setup-intent-{customer.pk}-1"

    customer.refresh_from_db()
    assert customer.gateway_customer_id == "cus_123"
    # The provider customer is created once; a second set-up only creates an intent.
    services.setup_intent_create(customer=customer)
    assert [call["path"] for call in http.calls[2:]] == ["/v1/setup_intents"]


@pytest.mark.django_db
def test_save_attached_card(customer, use_stripe):
    customer.gateway_customer_id = "cus_123"
    customer.save()
    http = use_stripe(
        {("GET", "/v1/payment_methods/pm_1"): (200, card_pm("pm_1", customer="cus_123"))}
    )
    method = services.payment_method_save(customer=customer, payment_method_id="pm_1")
    assert (method.gateway, method.gateway_payment_method_id) == ("stripe", "pm_1")
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "visa",
        "4242",
        8,
        2031,
    )
    assert method.is_default
    assert [(c["method"], c["path"]) for c in http.calls] == [("GET", "/v1/payment_methods/pm_1")]


@pytest.mark.django_db
def test_save_unattached_card_attaches_it_idempotently(customer, use_stripe):
    customer.gateway_customer_id = "cus_123"
    customer.save()
    http = use_stripe(
        {
            ("GET", "/v1/payment_methods/pm_2"): (200, card_pm("pm_2")),
            ("POST", "/v1/payment_methods/pm_2/attach"): (
                200,
                card_pm("pm_2", customer="cus_123", last4="1881"),
            ),
        }
    )
    method = services.payment_method_save(customer=customer, payment_method_id="pm_2")
    attach = http.calls[1]
    assert attach["path"] == "/v1/payment_methods/pm_2/attach"
    assert attach["body"] == {"customer": ["cus_123"]}
    assert attach["headers"]["Idempotency-Key"] == f"wecasa-attach-{customer.pk}-pm_2"
    assert method.last4 == "1881"


@pytest.mark.django_db
def test_declined_card_at_attach(customer, use_stripe):
    customer.gateway_customer_id = "cus_123"
    customer.save()
    use_stripe(
        {
            ("GET", "/v1/payment_methods/pm_3"): (200, card_pm("pm_3")),
            ("POST", "/v1/payment_methods/pm_3/attach"): (
                402,
                {
                    "error": {
                        "type": "card_error",
                        "code": "card_declined",
                        "message": "Your card was declined.",
                    }
                },
            ),
        }
    )
    with pytest.raises(CardDeclined):
        services.payment_method_save(customer=customer, payment_method_id="pm_3")
    assert not PaymentMethod.objects.exists()


@pytest.mark.django_db
def test_unknown_or_foreign_payment_method(customer, use_stripe):
    customer.gateway_customer_id = "cus_123"
    customer.save()
    use_stripe(
        {
            ("GET", "/v1/payment_methods/pm_missing"): (
                404,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": "No such",
                    }
                },
            ),
            ("GET", "/v1/payment_methods/pm_other"): (
                200,
                card_pm("pm_other", customer="cus_someone_else"),
            ),
        }
    )
    for pm in ("pm_missing", "pm_other"):
        with pytest.raises(InvalidInput) as caught:
            services.payment_method_save(customer=customer, payment_method_id=pm)
        assert "payment_method_id" in caught.value.fields
    assert not PaymentMethod.objects.exists()


@pytest.mark.django_db
def test_provider_outage_is_a_clean_error(customer, use_stripe, api_client):
    use_stripe(
        {("POST", "/v1/customers"): (500, {"error": {"type": "api_error", "message": "boom"}})}
    )
    with pytest.raises(GatewayUnavailable):
        services.setup_intent_create(customer=customer)
    api_client.force_authenticate(customer.user)
    response = api_client.post("/api/v1/payment-methods/setup-intent")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "payment_provider_unavailable"
    customer.refresh_from_db()
    assert customer.gateway_customer_id == ""
