"""The one door to the payment provider. Two implementations behind the same interface:

- `fake` (default in development and tests): in-process and deterministic;
- `stripe`: stripe-python's `StripeClient`, idempotency keys derived from our row ids.

`get_gateway()` picks one from `settings.PAYMENT_GATEWAY`. Gateways never touch our database:
services call them outside any transaction, then write what they answered.
"""

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


@dataclass(frozen=True)
class CardDetails:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


class PaymentGateway(ABC):
    """Interface shared by the implementations (off-session charges come with billing)."""

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


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.PAYMENT_GATEWAY
    if name == "fake":
        from .fake import FakeGateway

        return FakeGateway()
    if name == "stripe":
        from .stripe_gateway import StripeGateway

        return StripeGateway()
    raise ValueError(f"unknown payment gateway {name!r}")
