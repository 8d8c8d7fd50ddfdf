"""Weekly and monthly payout batches: what each pays, reruns, held payouts, frequency
changes, failures at the provider and resuming a batch that stopped."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from core.models import AuditEvent
from notifications.models import Notification
from payouts import services
from payouts.gateway import GatewayUnavailable
from payouts.gateway.fake import PAYOUT_FAILS_IBAN, TRANSFER_FAILS_IBAN
from payouts.models import FakeGatewayObject, LedgerEntry, Payout, PayoutAccount, PayoutItem

from .conftest import close_session, make_pro, paris

pytestmark = pytest.mark.django_db

# Week Tuesday 3 .. Monday 9 March 2026, paid Wednesday 11 March, arriving Monday 16.
WEDNESDAY = date(2026, 3, 11)
BATCH_TIME = paris(2026, 3, 11, 10, 0)


def run_weekly(on=WEDNESDAY, at=None, gateway=None):
    at = at or paris(on.year, on.month, on.day, 10, 0)
    with time_machine.travel(at, tick=False):
        return services.payout_batch_run(frequency="weekly", on=on, gateway=gateway)


@pytest.fixture
def week_of_sessions(pro, customer, cleaning):
    """Sessions on the period's first instant and last minute, and outside on each side."""
    make = lambda start: close_session(  # noqa: E731
        pro=pro,
        customer=customer,
        service=cleaning,
        start=start,
        closed_at=start + timedelta(hours=3),
    )
    with time_machine.travel(paris(2026, 3, 10, 12), tick=False):
        return {
            "monday_before": make(paris(2026, 3, 2, 21, 0)),
            "tuesday_midnight": make(paris(2026, 3, 3, 0, 0)),
            "monday_late": make(paris(2026, 3, 9, 20, 59)),
            "next_tuesday": make(paris(2026, 3, 10, 0, 0)),
        }


def test_the_weekly_batch_pays_tuesday_to_monday_up_to_the_period_end(week_of_sessions, pro):
    result = run_weekly()
    payout = Payout.objects.get(pro=pro)
    paid = set(payout.items.values_list("entry__billable_id", flat=True))
    items = week_of_sessions
    # Everything unpaid up to Monday 23:59 (the week before too), nothing from Tuesday on.
    assert paid == {
        items["monday_before"].pk,
        items["tuesday_midnight"].pk,
        items["monday_late"].pk,
    }
    share = items["monday_late"].pro_share_cents
    assert payout.amount_cents == 3 * share and payout.item_count == 3
    assert (payout.period_start, payout.period_end) == (date(2026, 3, 3), date(2026, 3, 9))
    assert (payout.batch_on, payout.arrival_on) == (WEDNESDAY, date(2026, 3, 16))
    assert payout.status == Payout.Status.SENT
    assert payout.gateway_transfer_id and payout.gateway_payout_id
    assert result.rows == [("sent", 1, 3, 3 * share)]


def test_running_a_batch_twice_pays_nothing_twice(week_of_sessions, pro, gateway):
    run_weekly(gateway=gateway)
    transfers = FakeGatewayObject.objects.filter(kind="transfer").count()
    run_weekly(gateway=gateway)
    run_weekly(on=WEDNESDAY + timedelta(days=1), gateway=gateway)  # a late rerun: same period
    assert Payout.objects.filter(pro=pro).count() == 1
    assert FakeGatewayObject.objects.filter(kind="transfer").count() == transfers == 1
    assert PayoutItem.objects.count() == 3


def test_a_session_declared_after_the_batch_joins_the_next_one(pro, customer, cleaning):
    monday = paris(2026, 3, 9, 9, 0)
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        on_time = close_session(
            pro=pro, customer=customer, service=cleaning, start=monday - timedelta(days=1)
        )
    run_weekly()
    first = Payout.objects.get(batch_on=WEDNESDAY)
    assert list(first.items.values_list("entry__billable_id", flat=True)) == [on_time.pk]
    # Monday's session is declared on the Wednesday, after the batch: paid a week later.
    declared_at = BATCH_TIME + timedelta(hours=2)
    with time_machine.travel(declared_at, tick=False):
        late = close_session(
            pro=pro, customer=customer, service=cleaning, start=monday, closed_at=declared_at
        )
        services.ledger_record_earnings()
    run_weekly()  # a rerun the same day does not pay it early
    assert Payout.objects.count() == 1
    run_weekly(on=WEDNESDAY + timedelta(days=7))
    second = Payout.objects.get(batch_on=WEDNESDAY + timedelta(days=7))
    assert list(second.items.values_list("entry__billable_id", flat=True)) == [late.pk]


def test_a_session_closed_on_the_batch_morning_is_paid_that_day(pro, customer, cleaning):
    with time_machine.travel(BATCH_TIME - timedelta(hours=2), tick=False):
        item = close_session(
            pro=pro,
            customer=customer,
            service=cleaning,
            start=paris(2026, 3, 9, 9, 0),
            closed_at=BATCH_TIME - timedelta(hours=2),
        )
    assert item.billable_on == WEDNESDAY + timedelta(days=1)  # charged tomorrow
    run_weekly()
    assert Payout.objects.get().items.get().entry.billable_id == item.pk


def test_a_pro_without_iban_is_held_told_why_and_paid_once_fixed(customer, cleaning):
    pro = make_pro(iban="")
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5, 9))
    run_weekly()
    held = Payout.objects.get(pro=pro)
    assert (held.status, held.held_reason) == (Payout.Status.HELD, "no_iban")
    assert held.amount_cents > 0 and not held.items.exists()
    note = Notification.objects.get(user=pro.user, kind="payout_held")
    assert "IBAN" in note.body
    # Next week: a second session; the pro adds an IBAN before the batch.
    with time_machine.travel(paris(2026, 3, 16, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 12, 9))
    pro.iban, pro.account_holder = "FR1420041010050500013M02606", "Test"
    pro.save()
    run_weekly(on=WEDNESDAY + timedelta(days=7))
    paid = Payout.objects.get(pro=pro, batch_on=WEDNESDAY + timedelta(days=7))
    held.refresh_from_db()
    assert paid.status == Payout.Status.SENT and paid.item_count == 2
    earned = LedgerEntry.objects.filter(pro=pro).values_list("amount_cents", flat=True)
    assert paid.amount_cents == sum(earned)
    assert (held.status, held.carried_into_id) == (Payout.Status.CARRIED, paid.pk)


def test_monthly_pros_wait_for_the_monthly_batch(customer, cleaning):
    pro = make_pro(payout_frequency="monthly")
    with time_machine.travel(paris(2026, 11, 25, 20), tick=False):
        on_time = close_session(
            pro=pro, customer=customer, service=cleaning, start=paris(2026, 11, 25, 9)
        )
        too_late = close_session(
            pro=pro,
            customer=customer,
            service=cleaning,
            start=paris(2026, 11, 26, 9) - timedelta(hours=12),
        )
    with time_machine.travel(paris(2026, 11, 27, 12), tick=False):
        last_days = close_session(
            pro=pro, customer=customer, service=cleaning, start=paris(2026, 11, 26, 9)
        )
    with time_machine.travel(paris(2026, 11, 25, 10), tick=False):
        services.payout_batch_run(frequency="weekly", on=date(2026, 11, 25))
    assert not Payout.objects.exists()
    with time_machine.travel(paris(2026, 11, 26, 10), tick=False):
        services.payout_batch_run(frequency="monthly", on=date(2026, 11, 26))
    payout = Payout.objects.get()
    assert (payout.period_end, payout.arrival_on) == (date(2026, 11, 25), date(2026, 12, 1))
    assert set(payout.items.values_list("entry__billable_id", flat=True)) == {
        on_time.pk,
        too_late.pk,
    }
    with time_machine.travel(paris(2026, 12, 27, 10), tick=False):
        services.payout_batch_run(frequency="monthly", on=date(2026, 12, 27))
    december = Payout.objects.get(batch_on=date(2026, 12, 27))
    assert list(december.items.values_list("entry__billable_id", flat=True)) == [last_days.pk]


def test_a_frequency_change_applies_from_the_next_period(pro, customer, cleaning):
    with time_machine.travel(paris(2026, 3, 6, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5, 9))
        services.ledger_record_earnings()
        services.payout_account_sync(pro=pro)
        pro.payout_frequency = "monthly"
        pro.save()
        services.payout_frequencies_follow(today=date(2026, 3, 6))
    account = PayoutAccount.objects.get(pro=pro)
    assert (account.frequency, account.next_frequency) == ("weekly", "monthly")
    assert account.next_frequency_from == date(2026, 3, 10)
    with time_machine.travel(paris(2026, 3, 10, 12), tick=False):
        later = close_session(
            pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 10, 9)
        )
    run_weekly()  # the week already under way is still paid weekly
    weekly = Payout.objects.get(pro=pro)
    assert weekly.frequency == "weekly" and weekly.item_count == 1
    run_weekly(on=WEDNESDAY + timedelta(days=7))
    assert Payout.objects.filter(pro=pro).count() == 1  # now monthly
    account.refresh_from_db()
    assert (account.frequency, account.next_frequency) == ("monthly", "")
    with time_machine.travel(paris(2026, 3, 27, 10), tick=False):
        services.payout_batch_run(frequency="monthly", on=date(2026, 3, 27))
    monthly = Payout.objects.get(pro=pro, frequency="monthly")
    assert list(monthly.items.values_list("entry__billable_id", flat=True)) == [later.pk]


def test_a_refused_transfer_fails_the_payout_and_support_can_retry(customer, cleaning):
    pro = make_pro(iban=TRANSFER_FAILS_IBAN)
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5, 9))
    run_weekly()
    payout = Payout.objects.get()
    assert (payout.status, payout.failure_code) == (Payout.Status.FAILED, "transfers_not_allowed")
    assert Notification.objects.filter(user=pro.user, kind="payout_failed").exists()
    pro.iban = "FR1420041010050500013M02606"
    pro.save()
    services.payout_account_sync(pro=pro)
    payout = services.payout_retry(payout=payout, by=None)
    assert payout.status == Payout.Status.PENDING and payout.attempts == 1
    services.payouts_send()
    payout.refresh_from_db()
    assert payout.status == Payout.Status.SENT and payout.gateway_transfer_id.endswith("_1")


def test_a_batch_that_stops_halfway_resumes_where_it_stopped(
    customer, cleaning, gateway, monkeypatch
):
    pros = [make_pro() for _ in range(5)]
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        for pro in pros:
            close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5, 9))
    real_transfer = gateway.transfer_create
    calls = []

    def flaky(*, payout):
        calls.append(payout.pk)
        if len(calls) == 3:
            raise GatewayUnavailable()
        return real_transfer(payout=payout)

    monkeypatch.setattr(gateway, "transfer_create", flaky)
    result = run_weekly(gateway=gateway)
    assert result.send_errors == 1
    assert Payout.objects.filter(status=Payout.Status.SENT).count() == 2
    assert Payout.objects.filter(status=Payout.Status.PENDING).count() == 3
    run_weekly(gateway=gateway)
    assert Payout.objects.filter(status=Payout.Status.SENT).count() == 5
    # 2 + 1 failed call + 3: each payout transferred once.
    assert len(calls) == 6 and len(set(calls)) == 5
    assert FakeGatewayObject.objects.filter(kind="transfer").count() == 5


def test_run_payouts_command_prints_a_table_and_is_safe_to_rerun(week_of_sessions, pro):
    out = StringIO()
    with time_machine.travel(BATCH_TIME, tick=False):
        services.ledger_record_earnings()  # the morning charge run records earnings
        call_command(
            "run_payouts", "--frequency", "weekly", "--date", "2026-03-11", "--dry-run", stdout=out
        )
    assert "would_send" in out.getvalue() and not Payout.objects.exists()
    with time_machine.travel(BATCH_TIME, tick=False):
        call_command(
            "run_payouts", "--frequency", "weekly", "--date", "2026-03-11", stdout=StringIO()
        )
        out = StringIO()
        call_command("run_payouts", "--frequency", "weekly", "--date", "2026-03-11", stdout=out)
    text = out.getvalue()
    assert "Total" in text and "created now: 0" in text and "sent" in text
    assert Payout.objects.count() == 1
    assert AuditEvent.objects.filter(action="payout.sent").count() == 1


def test_a_bank_payout_failure_holds_later_payouts_until_a_new_iban(customer, cleaning):
    from payouts.services.sending import payout_record_bank_outcome

    pro = make_pro(iban=PAYOUT_FAILS_IBAN)
    with time_machine.travel(paris(2026, 3, 9, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5, 9))
    run_weekly()
    payout = Payout.objects.get()
    assert payout.status == Payout.Status.SENT
    payout_record_bank_outcome(payout=payout, status="failed", failure_code="no_account")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    with time_machine.travel(paris(2026, 3, 16, 12), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 12, 9))
    run_weekly(on=WEDNESDAY + timedelta(days=7))
    held = Payout.objects.get(batch_on=WEDNESDAY + timedelta(days=7))
    assert (held.status, held.held_reason) == (Payout.Status.HELD, "account_problem")
