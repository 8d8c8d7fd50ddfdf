"""A customer and a pro with a history, for the export and erasure tests (h7): a past session
paid (charge succeeded, pro's earning paid out), a future free-to-cancel session, an open
request, messages and a review."""

from datetime import datetime, timedelta

import pytest
import time_machine

from catalog.models import Service
from checkin import rules as checkin_rules
from checkin import services as checkin_services
from checkin.models import BillableItem, Outcome, SessionRecord
from core.clock import PARIS, paris_date
from feedback.models import Message, Review
from payouts.gateway.fake import FakeGateway
from payouts.models import LedgerEntry, Payout, PayoutItem
from payouts.services.charges import charges_run_due
from payouts.services.ledger import ledger_record_earnings
from tests.factories import (
    AddressFactory,
    CustomerFactory,
    PaymentMethodFactory,
    ProFactory,
    booking_request_row,
    booking_row,
)

# A Tuesday in spring (UTC+2).
NOW = datetime(2026, 4, 14, 9, 0, tzinfo=PARIS)
PASSWORD = "demo1234"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.fixture
def tasks_inline(monkeypatch):
    """The export task runs in-process when `.delay` is called (on commit), no broker."""
    from privacy import tasks

    monkeypatch.setattr(
        tasks.build_data_export, "delay", lambda export_id: tasks.build_data_export(export_id)
    )


def make_pro(**fields):
    pro = ProFactory(bare_active=True, **fields)
    pro.iban, pro.account_holder = "FR1420041010050500013M02606", "Awa Diallo"
    pro.bio = "Dix ans de ménage soigné."
    pro.save(update_fields=["iban", "account_holder", "bio"])
    return pro


def past_paid_session(*, pro, customer, service, start):
    """A session done at `start`, its billable item, the charge succeeded (fake gateway), the
    pro's earning recorded and paid in a payout."""
    booking = booking_row(
        pro=pro,
        customer=customer,
        address=customer.addresses.first(),
        service=service,
        start=start,
        status="completed",
    )
    record = SessionRecord.objects.create(
        booking=booking,
        pro=pro,
        outcome=Outcome.DONE,
        outcome_at=booking.end,
        **{**checkin_rules.record_times(booking), "next_reminder_at": None},
    )
    item = BillableItem.objects.create(
        record=record,
        booking=booking,
        kind=BillableItem.Kind.SESSION,
        amount_cents=booking.price_cents,
        pro_share_cents=booking.pro_net_cents,
        platform_share_cents=booking.platform_share_cents,
        billable_on=paris_date(booking.end) + timedelta(days=1),
        created_at=booking.end,
    )
    charges_run_due(on=item.billable_on, gateway=FakeGateway())
    ledger_record_earnings(today=item.billable_on)
    entry = LedgerEntry.objects.get(billable=item)
    payout = Payout.objects.create(
        pro=pro,
        frequency="weekly",
        period_start=item.billable_on - timedelta(days=7),
        period_end=item.billable_on,
        batch_on=item.billable_on,
        arrival_on=item.billable_on + timedelta(days=5),
        amount_cents=entry.amount_cents,
        item_count=1,
        status=Payout.Status.PAID,
        paid_at=booking.end + timedelta(days=6),
    )
    PayoutItem.objects.create(payout=payout, entry=entry)
    return booking


def future_session(*, pro, customer, service, start, booked_at=None):
    booking = booking_row(
        pro=pro,
        customer=customer,
        address=customer.addresses.first(),
        service=service,
        start=start,
        **({"created_at": booked_at} if booked_at else {}),
    )
    checkin_services.session_record_open(booking=booking)
    return booking


@pytest.fixture
def world(clock, cleaning):
    customer = CustomerFactory(user__first_name="Léa", user__last_name="Martin")
    AddressFactory(customer=customer, street="12 rue des Lilas", label="Maison")
    PaymentMethodFactory(customer=customer)
    pro = make_pro(user__first_name="Awa", user__last_name="Diallo")
    past = past_paid_session(
        pro=pro, customer=customer, service=cleaning, start=NOW - timedelta(days=14)
    )
    Message.objects.create(
        booking=past, sender=customer.user, sender_side="customer", body="Le code est 4521B"
    )
    Message.objects.create(booking=past, sender=pro.user, sender_side="pro", body="Merci, à mardi")
    Review.objects.create(
        booking=past, pro=pro, customer=customer, rating=5, comment="Parfait, Awa est top"
    )
    future = future_session(
        pro=pro,
        customer=customer,
        service=cleaning,
        start=NOW + timedelta(days=3),
        booked_at=NOW - timedelta(days=1),
    )
    open_request = booking_request_row(
        customer=customer,
        address=customer.addresses.first(),
        service=cleaning,
        start=NOW + timedelta(days=5),
        notes="Sonner deux fois",
    )
    return {
        "customer": customer,
        "pro": pro,
        "past": past,
        "future": future,
        "request": open_request,
    }
