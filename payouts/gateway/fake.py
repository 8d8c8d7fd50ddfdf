"""In-process, deterministic stand-in for Stripe (development, tests, demo data).

Test payment methods, as Stripe's test mode names them: `pm_card_visa` and `pm_card_mastercard`
work; `pm_card_declined` is declined; anything else is unknown. Like Stripe, a test token gives
each customer their own payment-method id.
"""

import hashlib

from django.utils.translation import gettext as _

from core.errors import InvalidInput

from . import CardDeclined, CardDetails, PaymentGateway, SetupIntentResult

TEST_CARDS = {
    "pm_card_visa": ("visa", "4242", 12, 2034),
    "pm_card_mastercard": ("mastercard", "4444", 12, 2034),
}
DECLINED = {"pm_card_declined", "pm_card_chargeDeclined"}


def _digest(*parts) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:24]


class FakeGateway(PaymentGateway):
    name = "fake"

    def create_customer(self, *, customer) -> str:
        return f"cus_fake_{customer.pk}"

    def create_setup_intent(self, *, customer, attempt: int) -> SetupIntentResult:
        intent_id = f"seti_fake_{customer.pk}_{attempt}"
        return SetupIntentResult(
            id=intent_id, client_secret=f"{intent_id}_secret_{_digest(intent_id)}"
        )

    def attach_payment_method(self, *, customer, payment_method_id: str) -> CardDetails:
        if payment_method_id in DECLINED:
            raise CardDeclined()
        if payment_method_id not in TEST_CARDS:
            raise InvalidInput(fields={"payment_method_id": [_("Unknown payment method.")]})
        brand, last4, exp_month, exp_year = TEST_CARDS[payment_method_id]
        return CardDetails(
            payment_method_id=f"pm_fake_{brand}_{customer.pk}",
            brand=brand,
            last4=last4,
            exp_month=exp_month,
            exp_year=exp_year,
        )
