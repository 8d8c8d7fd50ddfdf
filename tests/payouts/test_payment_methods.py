import pytest

from core.errors import InvalidInput
from core.models import AuditEvent
from customers.models import PaymentMethod
from customers.selectors import default_payment_method, has_payment_method
from payouts import services
from payouts.gateway import CardDeclined, get_gateway
from payouts.gateway.fake import FakeGateway
from tests.factories import CustomerFactory, PaymentMethodFactory


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def client(api_client, customer):
    api_client.force_authenticate(customer.user)
    return api_client


def test_get_gateway_follows_the_setting(settings):
    settings.PAYMENT_GATEWAY = "fake"
    assert isinstance(get_gateway(), FakeGateway)
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert get_gateway().name == "stripe"


# --- services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_intent_links_the_customer_at_the_provider(customer):
    intent, gateway = services.setup_intent_create(customer=customer)
    assert intent.client_secret.startswith(f"seti_fake_{customer.pk}_")
    assert "_secret_" in intent.client_secret
    assert gateway.name == "fake" and gateway.publishable_key is None
    customer.refresh_from_db()
    assert customer.gateway_customer_id == f"cus_fake_{customer.pk}"
    # Deterministic: asking again before saving a card gives the same intent.
    again, _ = services.setup_intent_create(customer=customer)
    assert again == intent
    assert AuditEvent.objects.filter(action="customer.gateway_linked").count() == 1


@pytest.mark.django_db
def test_save_visa_becomes_default(customer):
    assert not has_payment_method(customer)
    method = services.payment_method_save(customer=customer, payment_method_id="pm_card_visa")
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "visa",
        "4242",
        12,
        2034,
    )
    assert method.is_default and method.gateway == "fake"
    assert has_payment_method(customer)
    assert AuditEvent.objects.filter(
        action="payment_method.saved", subject=f"customers.paymentmethod:{method.pk}"
    ).exists()


@pytest.mark.django_db
def test_new_card_replaces_the_default(customer):
    visa = services.payment_method_save(customer=customer, payment_method_id="pm_card_visa")
    mastercard = services.payment_method_save(
        customer=customer, payment_method_id="pm_card_mastercard"
    )
    visa.refresh_from_db()
    assert not visa.is_default and mastercard.is_default
    assert default_payment_method(customer) == mastercard
    # Saving the visa again does not duplicate it, it becomes the default again.
    again = services.payment_method_save(customer=customer, payment_method_id="pm_card_visa")
    assert again.pk == visa.pk
    assert PaymentMethod.objects.filter(customer=customer).count() == 2
    assert default_payment_method(customer) == visa


@pytest.mark.django_db
def test_two_customers_can_use_the_same_test_card(customer):
    other = CustomerFactory()
    a = services.payment_method_save(customer=customer, payment_method_id="pm_card_visa")
    b = services.payment_method_save(customer=other, payment_method_id="pm_card_visa")
    assert a.gateway_payment_method_id != b.gateway_payment_method_id


@pytest.mark.django_db
def test_declined_card_writes_nothing(customer):
    PaymentMethodFactory(customer=customer, last4="1111")
    with pytest.raises(CardDeclined) as caught:
        services.payment_method_save(customer=customer, payment_method_id="pm_card_declined")
    assert caught.value.code == "card_declined" and caught.value.status == 400
    assert list(PaymentMethod.objects.values_list("last4", "is_default")) == [("1111", True)]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["pm_unknown", "", "tok_visa", "pm_card_visa/../x", "x" * 200])
def test_unknown_payment_method_writes_nothing(customer, bad):
    with pytest.raises(InvalidInput) as caught:
        services.payment_method_save(customer=customer, payment_method_id=bad)
    assert "payment_method_id" in caught.value.fields
    assert not PaymentMethod.objects.exists()


# --- API --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_full_card_flow(client, customer):
    intent = client.post("/api/v1/payment-methods/setup-intent")
    assert intent.status_code == 200
    assert intent.json()["client_secret"].startswith(f"seti_fake_{customer.pk}_")
    assert intent.json()["publishable_key"] is None and intent.json()["gateway"] == "fake"

    saved = client.post(
        "/api/v1/payment-methods", {"payment_method_id": "pm_card_visa"}, format="json"
    )
    assert saved.status_code == 201, saved.json()
    body = saved.json()
    assert {k: body[k] for k in ("brand", "last4", "exp_month", "exp_year", "is_default")} == {
        "brand": "visa",
        "last4": "4242",
        "exp_month": 12,
        "exp_year": 2034,
        "is_default": True,
    }
    assert "gateway_payment_method_id" not in body
    client.post(
        "/api/v1/payment-methods", {"payment_method_id": "pm_card_mastercard"}, format="json"
    )
    listed = client.get("/api/v1/payment-methods").json()
    assert listed["count"] == 2
    assert [(row["brand"], row["is_default"]) for row in listed["results"]] == [
        ("mastercard", True),
        ("visa", False),
    ]
    assert client.get("/api/v1/me").json()["has_payment_method"] is True


@pytest.mark.django_db
def test_api_declined_card(client):
    response = client.post(
        "/api/v1/payment-methods", {"payment_method_id": "pm_card_declined"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "card_declined"
    assert response.json()["error"]["message"]
    assert not PaymentMethod.objects.exists()


@pytest.mark.django_db
def test_api_unknown_and_missing_payment_method(client):
    response = client.post(
        "/api/v1/payment-methods", {"payment_method_id": "pm_nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "payment_method_id" in response.json()["error"]["fields"]
    response = client.post("/api/v1/payment-methods", {}, format="json")
    assert "payment_method_id" in response.json()["error"]["fields"]
    assert not PaymentMethod.objects.exists()


@pytest.mark.django_db
def test_api_customers_only_see_their_own_cards(client, customer):
    mine = PaymentMethodFactory(customer=customer)
    PaymentMethodFactory()
    ids = [row["id"] for row in client.get("/api/v1/payment-methods").json()["results"]]
    assert ids == [mine.pk]


@pytest.mark.django_db
def test_api_needs_a_customer(api_client):
    assert api_client.get("/api/v1/payment-methods").status_code == 401
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/payment-methods/setup-intent")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_customer"
