"""The one door to the payment provider. Two implementations behind the same interface:

- `fake` (default in development and tests): deterministic by payment-method id and IBAN,
  its state in its own table (payouts.FakeGatewayObject) so every process sees the same;
- `stripe`: stripe-python's `StripeClient`, idempotency keys derived from our row ids.

`get_gateway()` picks one from `settings.PAYMENT_GATEWAY`. Gateways never touch our own
rows: services call them outside any transaction, then write what they answered.
Money model (design/money.md): separate charges and transfers. Customers are charged on the
platform account; a payout is one Transfer to the pro's connected account, then one bank
payout from it (manual payout schedule).
"""

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, RuleRefused


class CardDeclined(RuleRefused):
    code = "card_declined"
    default_message = _("Your card was declined. Please use another card.")


class GatewayUnavailable(DomainError):
    status = 502  # the provider failed us, not the client
    code = "payment_provider_unavailable"
    default_message = _("The payment provider cannot be reached. Please try again in a moment.")


@dataclass(frozen=True)
class SetupIntentResult:
    id: str
    client_secret: str


class InvalidWebhook(Exception):
    """A webhook whose signature is missing, forged or too old."""


@dataclass(frozen=True)
class PaymentResult:
    """An off-session payment attempt or a re-read payment: `status` is "succeeded",
    "requires_action" (the bank asks the customer to confirm), "declined" or "processing"."""

    payment_id: str
    status: str
    client_secret: str = ""
    failure_code: str = ""
    refunded_cents: int = 0
    disputed: bool = False


@dataclass(frozen=True)
class AccountResult:
    account_id: str
    payouts_enabled: bool = True
    problem: str = ""


@dataclass(frozen=True)
class TransferResult:
    """`failure_code` set when the provider refused the transfer (nothing was moved)."""

    transfer_id: str
    failure_code: str = ""


@dataclass(frozen=True)
class BankPayoutResult:
    """A payout from a connected account to the pro's bank: "pending", "in_transit", "paid"
    or "failed" (with `failure_code`)."""

    payout_id: str
    status: str
    failure_code: str = ""


@dataclass(frozen=True)
class WebhookEventData:
    event_id: str
    type: str
    account: str
    object_id: str
    object: dict
    livemode: bool
    payload: dict


def verify_webhook(payload: bytes, signature: str, *, secret: str | None = None):
    """Check the Stripe-Signature header against the endpoint secrets (STRIPE_WEBHOOK_SECRET,
    STRIPE_CONNECT_WEBHOOK_SECRET; tolerance 5 minutes) and parse the event. Raises InvalidWebhook for a forged, stale or unparsable one. The
    same for both gateways: the fake's events are signed like Stripe's."""
    import stripe

    # Stripe signs platform events and Connect events (from connected accounts) with the
    # secret of the endpoint they were sent to: either may be configured.
    secrets = (
        [secret]
        if secret is not None
        else [
            settings.STRIPE_WEBHOOK_SECRET,
            getattr(settings, "STRIPE_CONNECT_WEBHOOK_SECRET", ""),
        ]
    )
    secrets = [value for value in secrets if value]
    if not secrets or not signature:
        raise InvalidWebhook("no secret or no signature")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook("not UTF-8") from exc
    for candidate in secrets:
        try:
            stripe.WebhookSignature.verify_header(text, signature, candidate, tolerance=300)
            break
        except stripe.SignatureVerificationError as exc:
            error = exc
    else:
        raise InvalidWebhook(str(error))
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise InvalidWebhook(str(exc)) from exc
    if not isinstance(event, dict) or not str(event.get("id", "")).startswith("evt_"):
        raise InvalidWebhook("not an event")
    data = event.get("data") or {}
    obj = data.get("object") if isinstance(data, dict) else None
    obj = obj if isinstance(obj, dict) else {}
    return WebhookEventData(
        event_id=str(event["id"])[:80],
        type=str(event.get("type", ""))[:80],
        account=str(event.get("account") or "")[:64],
        object_id=str(obj.get("id") or "")[:80],
        object=obj,
        livemode=bool(event.get("livemode", False)),
        payload=event,
    )


@dataclass(frozen=True)
class CardDetails:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


class PaymentGateway(ABC):
    """Interface shared by the implementations."""

    name = ""

    @property
    def publishable_key(self) -> str | None:
        return None

    @abstractmethod
    def create_customer(self, *, customer) -> str:
        """Create the provider-side customer for `customer` (which has none yet); return its id.
        Idempotent per customer row."""

    @abstractmethod
    def create_setup_intent(self, *, customer, attempt: int) -> SetupIntentResult:
        """A SetupIntent to save a card for off-session use. `customer.gateway_customer_id` is set.
        `attempt` numbers the customer's card set-ups (part of the idempotency key)."""

    @abstractmethod
    def attach_payment_method(self, *, customer, payment_method_id: str) -> CardDetails:
        """Check the payment method is a usable card of this customer (attach it if it is not
        attached yet); return its details. Raises CardDeclined or InvalidInput."""

    @abstractmethod
    def detach_payment_method(self, *, payment_method_id: str) -> None:
        """Detach a saved card from its provider-side customer: it can never be charged again
        (account closure). Idempotent: a card already detached, or unknown, counts as done.
        Raises GatewayUnavailable when the provider cannot be reached (the caller retries)."""

    # --- charges (idempotency key "wecasa-charge-<id>-<attempt>") ----------------------------

    @abstractmethod
    def charge_off_session(
        self, *, charge, customer_gateway_id: str, payment_method_id: str
    ) -> PaymentResult:
        """Charge `charge.amount_cents` off-session on the saved card: attempt
        `charge.attempts` (1, 2, 3). The first attempt creates and confirms a PaymentIntent;
        a retry confirms the same one (`charge.gateway_payment_id`) again. A declined card or
        an authentication request is a result, not an exception."""

    @abstractmethod
    def retrieve_payment(self, *, payment_id: str) -> PaymentResult:
        """Re-read a payment (webhooks never trust their payload)."""

    # --- pros' connected accounts and payouts --------------------------------------------

    @abstractmethod
    def account_sync(self, *, pro, account_id: str = "") -> AccountResult:
        """Create the pro's connected account (manual payouts, their IBAN as bank account), or
        point an existing one (`account_id`) at the pro's current IBAN."""

    @abstractmethod
    def retrieve_account(self, *, account_id: str) -> AccountResult: ...

    @abstractmethod
    def transfer_create(self, *, payout) -> TransferResult:
        """Move `payout.amount_cents` to `payout.gateway_account_id` (key
        "wecasa-payout-<id>-transfer-<attempt>": a rerun after a crash sends the same key; a
        support retry of a refused transfer, which moved nothing, a new one)."""

    @abstractmethod
    def bank_payout_create(self, *, payout) -> BankPayoutResult:
        """Pay the transferred amount out of the connected account to the pro's bank (key
        "wecasa-payout-<id>-bank-<attempt>")."""

    @abstractmethod
    def retrieve_bank_payout(self, *, account_id: str, payout_id: str) -> BankPayoutResult: ...


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.PAYMENT_GATEWAY
    if name == "fake":
        from .fake import FakeGateway

        return FakeGateway()
    if name == "stripe":
        from .stripe_gateway import StripeGateway

        return StripeGateway()
    raise ValueError(f"unknown payment gateway {name!r}")
