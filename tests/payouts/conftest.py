"""Money fixtures: sessions closed with billable items (rows written directly, as checkin
would leave them), pros with a payout account, the fake gateway, signed webhooks."""

import json
import time
from datetime import datetime, timedelta

import pytest
import stripe

from catalog.models import Service
from checkin import rules as checkin_rules
from checkin.models import BillableItem, Outcome, SessionRecord
from core.clock import PARIS, paris_date
from customers.models import PaymentMethod
from payouts.gateway.fake import FakeGateway
from tests.factories import (
    AddressFactory,
    CustomerFactory,
    ProFactory,
    booking_row,
)

WEBHOOK_SECRET = "whsec_test_payouts"


def paris(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def gateway():
    return FakeGateway()


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.fixture
def massage(db):
    return Service.objects.select_related("category").get(slug="massage-relaxant-60")


def make_customer(card="pm_fake_visa_x"):
    customer = CustomerFactory()
    AddressFactory(customer=customer)
    if card:
        PaymentMethod.objects.create(
            customer=customer,
            gateway="fake",
            gateway_payment_method_id=f"{card}{customer.pk}",
            brand="visa",
            last4="4242",
            is_default=True,
        )
    return customer


@pytest.fixture
def customer(db):
    return make_customer()


@pytest.fixture
def pro(db):
    """An active weekly pro with a valid IBAN (bare row: cheap)."""
    return make_pro()


def make_pro(*, iban="FR1420041010050500013M02606", account_holder="Test Pro", **fields):
    """An active, ID-verified pro row (no zone or services: cheap) with bank details."""
    pro = ProFactory(bare_active=True, **fields)
    pro.iban, pro.account_holder = iban, account_holder
    pro.save(update_fields=["iban", "account_holder"])
    return pro


def close_session(
    *,
    pro,
    customer,
    service,
    start: datetime,
    closed_at: datetime | None = None,
    kind: str = BillableItem.Kind.SESSION,
    amount_cents: int | None = None,
) -> BillableItem:
    """A completed session (or a fee) of `pro` for `customer`, closed at `closed_at` (default:
    the session's end), with its billable item, billable the day after closing."""
    booking = booking_row(
        pro=pro,
        customer=customer,
        address=customer.addresses.first(),
        service=service,
        start=start,
        status="completed" if kind == BillableItem.Kind.SESSION else "cancelled",
    )
    closed_at = closed_at or booking.end
    outcome = Outcome.DONE if kind == BillableItem.Kind.SESSION else Outcome.NO_SHOW
    record = SessionRecord.objects.create(
        booking=booking,
        pro=pro,
        outcome=outcome,
        outcome_at=closed_at,
        **{**checkin_rules.record_times(booking), "next_reminder_at": None},
    )
    if kind == BillableItem.Kind.SESSION:
        amount, share = booking.price_cents, booking.pro_net_cents
    else:
        amount = amount_cents or 2000
        share = amount * 80 // 100
    return BillableItem.objects.create(
        record=record,
        booking=booking,
        kind=kind,
        amount_cents=amount,
        pro_share_cents=share,
        platform_share_cents=amount - share,
        billable_on=paris_date(closed_at) + timedelta(days=1),
        created_at=closed_at,
    )


def sign(payload: dict, *, secret=WEBHOOK_SECRET, timestamp=None) -> tuple[bytes, str]:
    """The body and a real Stripe-Signature header for it."""
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(
        payload=body, secret=secret, timestamp=timestamp
    )
    return body.encode(), header


def event(event_id, type_, obj, *, account=None) -> dict:
    payload = {
        "id": event_id,
        "object": "event",
        "type": type_,
        "livemode": False,
        "created": int(time.time()),
        "data": {"object": obj},
    }
    if account:
        payload["account"] = account
    return payload
