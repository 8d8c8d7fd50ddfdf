"""The earnings ledger: append-only, one entry per item, the referral bonus exactly once on
the 5th cleaning session, support adjustments with a reason; and it balances against the
charges and the payouts."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, ProgrammingError, transaction

from checkin.models import BillableItem
from core.errors import InvalidInput
from core.models import AuditEvent
from notifications.models import Notification
from payouts import services
from payouts.models import Charge, LedgerEntry, Payout

from .conftest import close_session, make_customer, make_pro, paris

pytestmark = pytest.mark.django_db


def test_a_session_is_earned_once_with_the_pros_net_share(pro, customer, cleaning):
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    services.ledger_record_earnings(today=date(2026, 3, 3))
    services.ledger_record_earnings(today=date(2026, 3, 4))
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_cents, entry.earned_on) == (
        "earning",
        item.pro_share_cents,
        date(2026, 3, 3),
    )
    assert item.pro_share_cents == item.booking.pro_net_cents < item.amount_cents


def test_a_fee_share_is_earned_once_it_can_no_longer_be_waived(pro, customer, cleaning):
    fee = close_session(
        pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3), kind="no_show_fee"
    )
    services.ledger_record_earnings(today=fee.billable_on - timedelta(days=1))
    assert not LedgerEntry.objects.exists()
    services.ledger_record_earnings(today=fee.billable_on)
    assert LedgerEntry.objects.get().kind == "fee_share"


def test_a_waived_fee_is_never_earned(pro, customer, cleaning):
    fee = close_session(
        pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3), kind="no_show_fee"
    )
    BillableItem.objects.filter(pk=fee.pk).update(waived_at=paris(2026, 3, 3, 18))
    services.ledger_record_earnings(today=fee.billable_on + timedelta(days=3))
    assert not LedgerEntry.objects.exists()


def test_ledger_rows_cannot_be_edited_or_deleted(pro):
    entry = services.ledger_adjust(pro=pro, amount_cents=500, reason="Parking refund", by=None)
    with pytest.raises(ProgrammingError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_cents=50_000)
    with pytest.raises(ProgrammingError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get().amount_cents == 500


def test_adjustments_need_a_reason_and_are_audited(pro, admin_user):
    with pytest.raises(InvalidInput):
        services.ledger_adjust(pro=pro, amount_cents=-300, reason="  ", by=admin_user)
    with pytest.raises(InvalidInput):
        services.ledger_adjust(pro=pro, amount_cents=0, reason="nothing", by=admin_user)
    entry = services.ledger_adjust(pro=pro, amount_cents=-300, reason="Damaged vase", by=admin_user)
    assert entry.created_by == admin_user and entry.kind == "adjustment"
    event = AuditEvent.objects.get(action="ledger.adjusted")
    assert event.actor == admin_user and event.data["reason"] == "Damaged vase"


def test_the_referral_bonus_is_paid_once_on_the_5th_cleaning_session(customer, cleaning, massage):
    referrer = make_pro()
    referred = make_pro(referred_by=referrer)
    for day in range(4):
        close_session(
            pro=referred, customer=customer, service=cleaning, start=paris(2026, 3, 2 + day)
        )
    close_session(pro=referred, customer=customer, service=massage, start=paris(2026, 3, 7))
    services.ledger_record_earnings(today=date(2026, 3, 9))
    assert not LedgerEntry.objects.filter(kind="referral_bonus").exists()  # 4 cleanings

    fifth = close_session(
        pro=referred, customer=customer, service=cleaning, start=paris(2026, 3, 9)
    )
    services.ledger_record_earnings(today=date(2026, 3, 10))
    services.ledger_record_earnings(today=date(2026, 3, 11))
    services.ledger_record_referral_bonuses()
    bonus = LedgerEntry.objects.get(kind="referral_bonus")
    assert (bonus.pro, bonus.referred_pro, bonus.amount_cents) == (referrer, referred, 10_000)
    assert bonus.earned_on == fifth.created_at.date()
    assert Notification.objects.filter(user=referrer.user, kind="referral_bonus").count() == 1
    # A 6th session pays nothing more; the database refuses a second bonus.
    close_session(pro=referred, customer=customer, service=cleaning, start=paris(2026, 3, 10))
    services.ledger_record_earnings(today=date(2026, 3, 12))
    assert LedgerEntry.objects.filter(kind="referral_bonus").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            pro=referrer,
            kind="referral_bonus",
            amount_cents=10_000,
            earned_on=date(2026, 3, 12),
            referred_pro=referred,
        )


def test_the_ledger_balances_against_charges_and_payouts(cleaning, massage, gateway):
    """Over four weeks of sessions, fees, a declined card, a held pro and an adjustment:
    - every final billable item is earned once, for its pro share;
    - charged amounts = pro shares + platform shares of the charged items;
    - for every pro: earned = paid in payouts + still owed; no entry paid twice."""
    pros = [make_pro(), make_pro(), make_pro(iban="")]
    customers = [make_customer(), make_customer(card="pm_fake_chargefail_")]
    items = []
    for week in range(4):
        for index, pro in enumerate(pros):
            start = paris(2026, 3, 3) + timedelta(days=7 * week + index)
            with time_machine.travel(start + timedelta(hours=4), tick=False):
                items.append(
                    close_session(
                        pro=pro,
                        customer=customers[index % 2],
                        service=cleaning if index else massage,
                        start=start,
                    )
                )
                if week == 1:
                    items.append(
                        close_session(
                            pro=pro,
                            customer=customers[0],
                            service=cleaning,
                            start=start + timedelta(hours=1),
                            kind="no_show_fee",
                        )
                    )
    services.ledger_adjust(pro=pros[0], amount_cents=-700, reason="Broken glass", by=None)
    for day in range(35):
        on = date(2026, 3, 4) + timedelta(days=day)
        with time_machine.travel(paris(on.year, on.month, on.day, 7), tick=False):
            services.charges_run_due(on=on, gateway=gateway)
        if on.weekday() == 2:
            with time_machine.travel(paris(on.year, on.month, on.day, 10), tick=False):
                services.payout_batch_run(frequency="weekly", on=on, gateway=gateway)

    item_entries = LedgerEntry.objects.filter(billable__isnull=False)
    assert item_entries.count() == len(items)
    assert sum(e.amount_cents for e in item_entries) == sum(i.pro_share_cents for i in items)
    succeeded = Charge.objects.filter(status="succeeded").select_related("billable")
    failed = Charge.objects.filter(status="failed")
    assert succeeded.count() + failed.count() == len(items) and failed.exists()
    assert sum(c.amount_cents for c in succeeded) == sum(
        c.billable.pro_share_cents + c.billable.platform_share_cents for c in succeeded
    )
    for pro in pros:
        earned = sum(LedgerEntry.objects.filter(pro=pro).values_list("amount_cents", flat=True))
        paid = sum(
            Payout.objects.filter(pro=pro, status__in=["sent", "paid"]).values_list(
                "amount_cents", flat=True
            )
        )
        owed = sum(
            LedgerEntry.objects.filter(pro=pro).unpaid().values_list("amount_cents", flat=True)
        )
        assert earned == paid + owed, pro
    # The pro without IBAN was held every week and paid nothing; the others are paid up to
    # the last batch's period end, whatever their customers' cards did.
    assert not Payout.objects.filter(pro=pros[2], status="sent").exists()
    assert Payout.objects.filter(pro=pros[2], status="held").count() == 1  # others carried
    assert Payout.objects.filter(pro=pros[1], status="sent").count() == 4
