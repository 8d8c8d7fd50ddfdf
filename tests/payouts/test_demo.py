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
