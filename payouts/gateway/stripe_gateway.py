"""Stripe, through stripe-python's StripeClient. Idempotency keys come from our row ids so a
retried call never creates a second customer, SetupIntent, PaymentIntent, transfer or payout.
Connected-account calls carry the account in the Stripe-Account header."""

import hashlib
import logging

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from . import (
    AccountResult,
    BankPayoutResult,
    CardDeclined,
    CardDetails,
    GatewayUnavailable,
    PaymentGateway,
    PaymentResult,
    SetupIntentResult,
    TransferResult,
)

# A PaymentIntent's status, as our payment result.
_PAYMENT_STATUS = {
    "succeeded": "succeeded",
    "processing": "processing",
    "requires_action": "requires_action",
    "requires_payment_method": "declined",
    "requires_confirmation": "declined",
    "canceled": "declined",
}


def _id(value) -> str:
    """An id, whether Stripe gave a string or an expanded object."""
    return getattr(value, "id", value) or ""


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

    def detach_payment_method(self, *, payment_method_id: str) -> None:
        """`PaymentMethod.detach`; Stripe refuses (invalid request) a card that is not attached
        (any more) or unknown: done already."""

        class AlreadyDetached(Exception):
            pass

        try:
            self._call(
                self.client.v1.payment_methods.detach,
                payment_method_id,
                options={"idempotency_key": f"wecasa-detach-{payment_method_id}"},
                invalid=AlreadyDetached(),
            )
        except AlreadyDetached:
            logger.info("stripe: payment method %s was not attached", payment_method_id)

    # --- charges ----------------------------------------------------------------------------

    def _payment_result(self, intent, *, failure_code: str = "") -> PaymentResult:
        status = _PAYMENT_STATUS.get(getattr(intent, "status", ""), "declined")
        latest = getattr(intent, "latest_charge", None)
        return PaymentResult(
            payment_id=intent.id,
            status=status,
            client_secret=(getattr(intent, "client_secret", "") or "")
            if status == "requires_action"
            else "",
            failure_code=failure_code,
            refunded_cents=getattr(latest, "amount_refunded", 0) or 0 if latest else 0,
            disputed=bool(getattr(latest, "disputed", False)) if latest else False,
        )

    def charge_off_session(
        self, *, charge, customer_gateway_id: str, payment_method_id: str
    ) -> PaymentResult:
        options = {"idempotency_key": f"wecasa-charge-{charge.pk}-{charge.attempts}"}
        try:
            if charge.gateway_payment_id:
                # A retry confirms the same PaymentIntent again (with today's default card).
                intent = self.client.v1.payment_intents.confirm(
                    charge.gateway_payment_id,
                    params={"payment_method": payment_method_id, "off_session": True},
                    options=options,
                )
            else:
                intent = self.client.v1.payment_intents.create(
                    params={
                        "amount": charge.amount_cents,
                        "currency": "eur",
                        "customer": customer_gateway_id,
                        "payment_method": payment_method_id,
                        "off_session": True,
                        "confirm": True,
                        "transfer_group": f"booking-{charge.booking_id}",
                        "description": f"Wecasa booking #{charge.booking_id}",
                        "metadata": {
                            "wecasa_charge_id": str(charge.pk),
                            "wecasa_booking_id": str(charge.booking_id),
                        },
                    },
                    options=options,
                )
        except stripe.CardError as exc:
            # Declined, or the bank wants the customer to authenticate: the PaymentIntent
            # comes with the error.
            error = getattr(exc, "error", None)
            intent = getattr(error, "payment_intent", None)
            code = getattr(exc, "code", "") or "card_declined"
            status = "requires_action" if code == "authentication_required" else "declined"
            return PaymentResult(
                payment_id=_id(intent) or charge.gateway_payment_id,
                status=status,
                client_secret=(getattr(intent, "client_secret", "") or "")
                if status == "requires_action"
                else "",
                failure_code=code,
            )
        except stripe.StripeError as exc:
            logger.warning("stripe unavailable: %s", exc)
            raise GatewayUnavailable() from exc
        return self._payment_result(intent)

    def retrieve_payment(self, *, payment_id: str) -> PaymentResult:
        intent = self._call(
            self.client.v1.payment_intents.retrieve,
            payment_id,
            params={"expand": ["latest_charge"]},
        )
        return self._payment_result(intent)

    # --- connected accounts, transfers, bank payouts --------------------------------------

    @staticmethod
    def _bank_account(pro) -> dict:
        return {
            "object": "bank_account",
            "country": pro.iban[:2] or "FR",
            "currency": "eur",
            "account_number": pro.iban,
            "account_holder_name": pro.account_holder,
        }

    @staticmethod
    def _account_result(account) -> AccountResult:
        requirements = getattr(account, "requirements", None)
        problem = getattr(requirements, "disabled_reason", "") or "" if requirements else ""
        return AccountResult(
            account_id=account.id,
            payouts_enabled=bool(getattr(account, "payouts_enabled", False)),
            problem=problem,
        )

    def account_sync(self, *, pro, account_id: str = "") -> AccountResult:
        iban_key = hashlib.sha256(pro.iban.encode()).hexdigest()[:16]
        if not account_id:
            account = self._call(
                self.client.v1.accounts.create,
                params={
                    "type": "custom",
                    "country": "FR",
                    "email": pro.user.email,
                    "business_type": "individual",
                    "capabilities": {"transfers": {"requested": True}},
                    "external_account": self._bank_account(pro),
                    # Our weekly/monthly batches decide when money leaves the account.
                    "settings": {"payouts": {"schedule": {"interval": "manual"}}},
                    "metadata": {"wecasa_pro_id": str(pro.pk)},
                },
                options={"idempotency_key": f"wecasa-account-{pro.pk}"},
            )
            return self._account_result(account)
        self._call(
            self.client.v1.accounts.external_accounts.create,
            account_id,
            params={"external_account": self._bank_account(pro), "default_for_currency": True},
            options={"idempotency_key": f"wecasa-account-{pro.pk}-iban-{iban_key}"},
        )
        return self.retrieve_account(account_id=account_id)

    def retrieve_account(self, *, account_id: str) -> AccountResult:
        return self._account_result(self._call(self.client.v1.accounts.retrieve, account_id))

    def transfer_create(self, *, payout) -> TransferResult:
        try:
            transfer = self.client.v1.transfers.create(
                params={
                    "amount": payout.amount_cents,
                    "currency": "eur",
                    "destination": payout.gateway_account_id,
                    "transfer_group": f"payout-{payout.pk}",
                    "metadata": {"wecasa_payout_id": str(payout.pk)},
                },
                options={
                    "idempotency_key": f"wecasa-payout-{payout.pk}-transfer-{payout.attempts}"
                },
            )
        except stripe.InvalidRequestError as exc:
            # e.g. balance_insufficient: nothing moved; support sees the payout failed.
            logger.error("stripe refused transfer for payout %s: %s", payout.pk, exc)
            return TransferResult(transfer_id="", failure_code=exc.code or "transfer_refused")
        except stripe.StripeError as exc:
            raise GatewayUnavailable() from exc
        return TransferResult(transfer_id=transfer.id)

    def bank_payout_create(self, *, payout) -> BankPayoutResult:
        try:
            created = self.client.v1.payouts.create(
                params={
                    "amount": payout.amount_cents,
                    "currency": "eur",
                    "description": "Wecasa",
                    "metadata": {"wecasa_payout_id": str(payout.pk)},
                },
                options={
                    "idempotency_key": f"wecasa-payout-{payout.pk}-bank-{payout.attempts}",
                    "stripe_account": payout.gateway_account_id,
                },
            )
        except stripe.InvalidRequestError as exc:
            logger.error("stripe refused bank payout for payout %s: %s", payout.pk, exc)
            return BankPayoutResult(payout_id="", status="failed", failure_code=exc.code or "")
        except stripe.StripeError as exc:
            raise GatewayUnavailable() from exc
        return BankPayoutResult(
            payout_id=created.id,
            status=created.status,
            failure_code=getattr(created, "failure_code", "") or "",
        )

    def retrieve_bank_payout(self, *, account_id: str, payout_id: str) -> BankPayoutResult:
        payout = self._call(
            self.client.v1.payouts.retrieve, payout_id, options={"stripe_account": account_id}
        )
        return BankPayoutResult(
            payout_id=payout.id,
            status=payout.status,
            failure_code=getattr(payout, "failure_code", "") or "",
        )
