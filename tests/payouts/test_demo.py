"""seed_demo's money history: 8 weeks of sessions, charges and paid payouts for the demo
pros; running it twice charges and pays nothing more."""

import pytest
from django.core.management import call_command

from payouts.models import Charge, LedgerEntry, Payout

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_pros_eight_weeks_of_money():
    call_command("seed_demo", verbosity=0)
    pro1 = "pro1@example.com"
    entries = LedgerEntry.objects.filter(pro__user__email=pro1)
    assert entries.count() == 16
    assert Charge.objects.filter(status="succeeded").count() >= 4 * 16
    paid = Payout.objects.filter(pro__user__email=pro1)
    assert paid.count() in (7, 8) and set(paid.values_list("status", flat=True)) <= {"paid", "sent"}
    assert paid.filter(status="paid").exists()
    for payout in paid:
        assert payout.amount_cents == sum(
            payout.items.values_list("entry__amount_cents", flat=True)
        )
    counts = (Charge.objects.count(), Payout.objects.count(), LedgerEntry.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Charge.objects.count(), Payout.objects.count(), LedgerEntry.objects.count()) == counts


def test_done_when_on_demo_data_charge_then_pay_the_right_wednesday():
    """charge_due then run_payouts for the right Wednesday pay each demo pro exactly what
    their ledger says; twice pays nothing more; a pro without IBAN is held, then paid."""
    from datetime import time, timedelta
    from io import StringIO

    import time_machine

    from catalog.models import Service
    from core import clock
    from customers.models import Customer
    from payouts import periods
    from pros.models import Pro
    from tests.payouts.conftest import close_session

    call_command("seed_demo", verbosity=0)
    service = Service.objects.select_related("category").get(slug="menage-2h")
    customer = Customer.objects.get(user__email="customer3@example.com")
    pro5, pro6 = (Pro.objects.get(user__email=f"pro{n}@example.com") for n in (5, 6))
    Pro.objects.filter(pk=pro6.pk).update(iban="")
    week = periods.weekly_period(clock.today())
    for index, pro in enumerate((pro5, pro6)):
        start = clock.paris_datetime(week.start, time(8 + 3 * index, 0))
        close_session(pro=pro, customer=customer, service=service, start=start)

    def run(day):
        with time_machine.travel(clock.paris_datetime(day, time(10, 0)), tick=False):
            call_command("charge_due", stdout=StringIO())
            call_command("run_payouts", "--frequency", "weekly", stdout=StringIO())

    run(week.batch_on)
    for pro in Pro.objects.filter(user__email__regex=r"^pro\d+@example\.com$"):
        owed = LedgerEntry.objects.filter(pro=pro).unpaid()
        assert not owed.filter(earned_on__lte=week.end).exists() or pro == pro6
    paid5 = Payout.objects.get(pro=pro5, batch_on=week.batch_on)
    assert paid5.status == "sent"
    assert paid5.amount_cents == LedgerEntry.objects.get(pro=pro5).amount_cents
    held = Payout.objects.get(pro=pro6, batch_on=week.batch_on)
    assert (held.status, held.held_reason) == ("held", "no_iban")
    counts = (Payout.objects.count(), Charge.objects.count())
    run(week.batch_on)
    assert (Payout.objects.count(), Charge.objects.count()) == counts

    Pro.objects.filter(pk=pro6.pk).update(iban="FR1420041010050500013M02606")
    run(week.batch_on + timedelta(days=7))
    paid6 = Payout.objects.get(pro=pro6, batch_on=week.batch_on + timedelta(days=7))
    assert paid6.status == "sent"
    assert paid6.amount_cents == LedgerEntry.objects.get(pro=pro6).amount_cents
    held.refresh_from_db()
    assert held.status == "carried"
