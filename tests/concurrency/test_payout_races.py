"""Real threads on real PostgreSQL: batches and charge runs started at the same instant pay
and charge every item exactly once (advisory lock, unique constraints, conditional claims)."""

from datetime import time, timedelta

import pytest

from catalog.models import Service
from core import clock
from payouts import services
from payouts.models import Charge, FakeGatewayObject, LedgerEntry, Payout, PayoutItem
from tests.concurrency.threads import run_together
from tests.payouts.conftest import close_session, make_customer, make_pro

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROS = 12


def _sessions_in_the_last_paid_week():
    service = Service.objects.select_related("category").get(slug="menage-2h")
    period = services.period_for("weekly", clock.today())
    customer = make_customer()
    pros = [make_pro() for _ in range(PROS)]
    for index, pro in enumerate(pros):
        start = clock.paris_datetime(period.start + timedelta(days=index % 7), time(9, 0))
        close_session(pro=pro, customer=customer, service=service, start=start)
    return pros


def test_concurrent_weekly_batches_pay_each_pro_once():
    pros = _sessions_in_the_last_paid_week()
    results = run_together([lambda: services.payout_batch_run(frequency="weekly")] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Payout.objects.count() == PROS
    assert set(Payout.objects.values_list("status", flat=True)) == {"sent"}
    assert PayoutItem.objects.count() == LedgerEntry.objects.count() == PROS
    # One transfer and one bank payout per pro at the provider.
    assert FakeGatewayObject.objects.filter(kind="transfer").count() == PROS
    assert (
        FakeGatewayObject.objects.filter(kind="payout", object_id__endswith="#created").count()
        == PROS
    )
    for pro in pros:
        payout = Payout.objects.get(pro=pro)
        assert payout.amount_cents == LedgerEntry.objects.get(pro=pro).amount_cents


def test_concurrent_charge_runs_charge_each_item_once():
    _sessions_in_the_last_paid_week()
    results = run_together([lambda: services.charges_run_due()] * 3)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Charge.objects.filter(status="succeeded").count() == PROS
    assert sum(r.attempted for r in results) >= PROS
    assert FakeGatewayObject.objects.filter(kind="charge_attempt").count() == PROS
