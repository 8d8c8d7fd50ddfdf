"""A deterministic stand-in for Stripe (development, tests, demo data), with its state in its
own table (payouts.FakeGatewayObject) so that a worker and a web process see the same.

Cards, as Stripe's test mode names them: `pm_card_visa` and `pm_card_mastercard` work;
`pm_card_declined` is declined when saved; `pm_card_chargeCustomerFail` saves but every charge
is declined; `pm_card_authenticationRequired` saves but every off-session charge asks the
customer to authenticate. Like Stripe, a test token gives each customer their own
payment-method id, which carries the card's behaviour (so charges are deterministic by it).

Pros' bank accounts (Stripe's French test IBANs): any valid IBAN works, except
`FR8420041010050500013M02607` whose bank payouts fail later (a `payout.failed` event), and
`FR7920041010050500013M02600` whose account refuses transfers.

Idempotency keys behave like Stripe's: the same key returns the first answer.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from ..models import FakeGatewayObject
from . import (
    AccountResult,
    BankPayoutResult,
    CardDeclined,
    CardDetails,
    PaymentGateway,
    PaymentResult,
    SetupIntentResult,
    TransferResult,
)

# token -> (brand, last4, exp_month, exp_year, behaviour in the saved id)
TEST_CARDS = {
    "pm_card_visa": ("visa", "4242", 12, 2034, "visa"),
    "pm_card_mastercard": ("mastercard", "4444", 12, 2034, "mastercard"),
    "pm_card_chargeCustomerFail": ("visa", "0341", 12, 2034, "chargefail"),
    "pm_card_authenticationRequired": ("visa", "3184", 12, 2034, "authrequired"),
}
DECLINED = {"pm_card_declined", "pm_card_chargeDeclined"}
PAYOUT_FAILS_IBAN = "FR8420041010050500013M02607"
TRANSFER_FAILS_IBAN = "FR7920041010050500013M02600"


def _digest(*parts) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:24]


def _payment_outcome(payment_method_id: str) -> tuple[str, str]:
    if "chargefail" in payment_method_id:
        return "declined", "card_declined"
    if "authrequired" in payment_method_id:
        return "requires_action", "authentication_required"
    return "succeeded", ""


class FakeGateway(PaymentGateway):
    name = "fake"

    # --- state ------------------------------------------------------------------------------

    @staticmethod
    def _get(object_id: str) -> dict | None:
        row = FakeGatewayObject.objects.filter(object_id=object_id).first()
        return None if row is None else row.data

    @staticmethod
    def _put(object_id: str, kind: str, data: dict) -> dict:
        FakeGatewayObject.objects.update_or_create(
            object_id=object_id, defaults={"kind": kind, "data": data}
        )
        return data

    @staticmethod
    def _once(key: str, object_id: str, kind: str, build) -> dict:
        """The answer first given for idempotency `key` (`build()` makes it the first time)."""
        row = FakeGatewayObject.objects.filter(idempotency_key=key).first()
        if row is not None:
            return row.data
        data = build()
        try:
            with transaction.atomic():
                FakeGatewayObject.objects.create(
                    object_id=object_id, idempotency_key=key, kind=kind, data=data
                )
        except IntegrityError:  # a concurrent call with the same key won: its answer stands
            return FakeGatewayObject.objects.get(idempotency_key=key).data
        return data

    # --- customers and cards ----------------------------------------------------------------

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
        brand, last4, exp_month, exp_year, behaviour = TEST_CARDS[payment_method_id]
        return CardDetails(
            payment_method_id=f"pm_fake_{behaviour}_{customer.pk}",
            brand=brand,
            last4=last4,
            exp_month=exp_month,
            exp_year=exp_year,
        )

    def detach_payment_method(self, *, payment_method_id: str) -> None:
        self._put(f"detached_{payment_method_id}", "pm_detached", {"detached": True})

    def is_detached(self, payment_method_id: str) -> bool:
        """For tests and the demo: was this card detached?"""
        return self._get(f"detached_{payment_method_id}") is not None

    # --- charges ----------------------------------------------------------------------------

    def charge_off_session(
        self, *, charge, customer_gateway_id: str, payment_method_id: str
    ) -> PaymentResult:
        payment_id = charge.gateway_payment_id or f"pi_fake_{charge.pk}"
        key = f"wecasa-charge-{charge.pk}-{charge.attempts}"

        def attempt():
            status, code = _payment_outcome(payment_method_id)
            intent = self._get(payment_id) or {
                "amount": charge.amount_cents,
                "refunded": 0,
                "disputed": False,
                "client_secret": f"{payment_id}_secret_{_digest(payment_id)}",
            }
            intent.update(status=status, failure_code=code, payment_method=payment_method_id)
            self._put(payment_id, "payment_intent", intent)
            return {"payment_id": payment_id, "status": status, "failure_code": code}

        answer = self._once(key, f"{payment_id}#{charge.attempts}", "charge_attempt", attempt)
        intent = self._get(answer["payment_id"]) or {}
        return PaymentResult(
            payment_id=answer["payment_id"],
            status=answer["status"],
            failure_code=answer["failure_code"],
            client_secret=intent.get("client_secret", "")
            if answer["status"] == "requires_action"
            else "",
        )

    def retrieve_payment(self, *, payment_id: str) -> PaymentResult:
        intent = self._get(payment_id)
        if intent is None:
            return PaymentResult(payment_id=payment_id, status="unknown")
        return PaymentResult(
            payment_id=payment_id,
            status=intent["status"],
            failure_code=intent.get("failure_code", ""),
            refunded_cents=intent.get("refunded", 0),
            disputed=intent.get("disputed", False),
        )

    # What the customer or the bank does at the provider, for tests and demos.
    def simulate_payment(self, payment_id: str, **changes) -> None:
        """e.g. status="succeeded" (the customer confirmed), refunded=1500, disputed=True."""
        intent = self._get(payment_id)
        intent.update(changes)
        self._put(payment_id, "payment_intent", intent)

    # --- connected accounts, transfers, bank payouts --------------------------------------

    def account_sync(self, *, pro, account_id: str = "") -> AccountResult:
        account_id = account_id or f"acct_fake_{pro.pk}"
        self._put(account_id, "account", {"iban": pro.iban, "holder": pro.account_holder})
        return AccountResult(account_id=account_id, payouts_enabled=bool(pro.iban))

    def retrieve_account(self, *, account_id: str) -> AccountResult:
        account = self._get(account_id) or {}
        return AccountResult(account_id=account_id, payouts_enabled=bool(account.get("iban")))

    def transfer_create(self, *, payout) -> TransferResult:
        def build():
            account = self._get(payout.gateway_account_id) or {}
            if not account or account.get("iban") == TRANSFER_FAILS_IBAN:
                return {"transfer_id": "", "failure_code": "transfers_not_allowed"}
            return {"transfer_id": f"tr_fake_{payout.pk}_{payout.attempts}", "failure_code": ""}

        key = f"wecasa-payout-{payout.pk}-transfer-{payout.attempts}"
        answer = self._once(key, f"tr_fake_{payout.pk}_{payout.attempts}", "transfer", build)
        return TransferResult(**answer)

    def bank_payout_create(self, *, payout) -> BankPayoutResult:
        payout_id = f"po_fake_{payout.pk}_{payout.attempts}"

        def build():
            account = self._get(payout.gateway_account_id) or {}
            # Like Stripe: the payout is accepted now and fails later, at the bank.
            fails = account.get("iban") == PAYOUT_FAILS_IBAN
            self._put(
                f"{payout.gateway_account_id}/{payout_id}",
                "payout",
                {
                    "status": "failed" if fails else "in_transit",
                    "failure_code": "no_account" if fails else "",
                },
            )
            return {"payout_id": payout_id, "status": "pending", "failure_code": ""}

        key = f"wecasa-payout-{payout.pk}-bank-{payout.attempts}"
        return BankPayoutResult(**self._once(key, f"{payout_id}#created", "payout", build))

    def retrieve_bank_payout(self, *, account_id: str, payout_id: str) -> BankPayoutResult:
        data = self._get(f"{account_id}/{payout_id}") or {"status": "unknown"}
        return BankPayoutResult(
            payout_id=payout_id, status=data["status"], failure_code=data.get("failure_code", "")
        )

    def simulate_bank_payout(self, account_id: str, payout_id: str, **changes) -> None:
        """e.g. status="paid" (arrived) or status="failed", failure_code="account_closed"."""
        data = self._get(f"{account_id}/{payout_id}") or {}
        data.update(changes)
        self._put(f"{account_id}/{payout_id}", "payout", data)
