"""Stripe, through stripe-python's StripeClient. Idempotency keys come from our row ids so a
retried call never creates a second customer or SetupIntent."""

import logging

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from . import CardDeclined, CardDetails, GatewayUnavailable, PaymentGateway, SetupIntentResult

logger = logging.getLogger(__name__)


class StripeGateway(PaymentGateway):
    name = "stripe"

    def __init__(self, client: stripe.StripeClient | None = None):
        self.client = client or stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, max_network_retries=2
        )

    @property
    def publishable_key(self) -> str | None:
        return settings.STRIPE_PUBLISHABLE_KEY or None

    def _call(self, function, *args, invalid: Exception | None = None, **kwargs):
        """Call Stripe, mapping its errors to ours: a declined card, a bad id (`invalid`), or
        anything else (network, rate limit, bad configuration) as "provider unavailable"."""
        try:
            return function(*args, **kwargs)
        except stripe.CardError as exc:
            raise CardDeclined() from exc
        except stripe.InvalidRequestError as exc:
            if invalid is None:
                logger.error("stripe refused a request: %s", exc)
                raise GatewayUnavailable() from exc
            raise invalid from exc
        except stripe.StripeError as exc:
            logger.warning("stripe unavailable: %s", exc)
            raise GatewayUnavailable() from exc

    def create_customer(self, *, customer) -> str:
        user = customer.user
        created = self._call(
            self.client.v1.customers.create,
            params={
                "email": user.email,
                "name": f"{user.first_name} {user.last_name}".strip(),
                "metadata": {"wecasa_customer_id": str(customer.pk)},
            },
            options={"idempotency_key": f"wecasa-customer-{customer.pk}"},
        )
        return created.id

    def create_setup_intent(self, *, customer, attempt: int) -> SetupIntentResult:
        intent = self._call(
            self.client.v1.setup_intents.create,
            params={
                "customer": customer.gateway_customer_id,
                "usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": {"wecasa_customer_id": str(customer.pk)},
            },
            options={"idempotency_key": f"wecasa-setup-intent-{customer.pk}-{attempt}"},
        )
        return SetupIntentResult(id=intent.id, client_secret=intent.client_secret)

    def attach_payment_method(self, *, customer, payment_method_id: str) -> CardDetails:
        unknown = InvalidInput(fields={"payment_method_id": [_("Unknown payment method.")]})
        method = self._call(
            self.client.v1.payment_methods.retrieve, payment_method_id, invalid=unknown
        )
        if getattr(method, "type", None) != "card" or getattr(method, "card", None) is None:
            raise InvalidInput(fields={"payment_method_id": [_("Only cards are accepted.")]})
        owner = getattr(method, "customer", None)
        owner = getattr(owner, "id", owner)  # a string, or an expanded customer
        if owner and owner != customer.gateway_customer_id:
            raise unknown
        if not owner:
            # Not yet attached (the app did not confirm a SetupIntent with it): attach it now;
            # Stripe checks the card and may decline it.
            method = self._call(
                self.client.v1.payment_methods.attach,
                payment_method_id,
                params={"customer": customer.gateway_customer_id},
                options={"idempotency_key": f"wecasa-attach-{customer.pk}-{payment_method_id}"},
                invalid=unknown,
            )
        card = method.card
        return CardDetails(
            payment_method_id=method.id,
            brand=card.brand or "",
            last4=card.last4 or "",
            exp_month=card.exp_month,
            exp_year=card.exp_year,
        )
