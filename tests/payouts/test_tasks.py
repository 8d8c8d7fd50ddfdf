"""Beat entries and tasks of payouts: thin, safe to run twice, the monthly one only on its
day."""

from datetime import date

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from payouts import tasks
from payouts.models import Charge, Payout

from .conftest import close_session, paris

pytestmark = pytest.mark.django_db


def test_beat_runs_charges_each_morning_and_batches_on_their_days():
    schedule = settings.CELERY_BEAT_SCHEDULE
    charge = schedule["payouts-charge-due"]
    assert charge["task"] == "payouts.tasks.charge_due"
    assert (
        charge["schedule"] == crontab(hour=7, minute=0)
        and settings.CELERY_TIMEZONE == "Europe/Paris"
    )
    weekly = schedule["payouts-weekly-batch"]["schedule"]
    assert weekly.day_of_week == {3}  # Wednesday (celery counts from Sunday = 0)
    for name in (
        "payouts-charge-due",
        "payouts-weekly-batch",
        "payouts-monthly-batch",
        "payouts-sweep",
    ):
        assert schedule[name]["options"]["expires"] > 0


def test_the_tasks_charge_pay_and_sweep(pro, customer, cleaning):
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 5))
    with time_machine.travel(paris(2026, 3, 6, 7), tick=False):
        assert tasks.charge_due() == 1
        assert tasks.charge_due() == 0
    assert Charge.objects.get().billable == item
    with time_machine.travel(paris(2026, 3, 11, 10), tick=False):
        assert tasks.payout_weekly_batch() == 1
        assert tasks.payout_weekly_batch() == 0
        tasks.payouts_sweep()
    assert Payout.objects.get().status == "sent"


def test_the_monthly_task_runs_only_on_its_day(customer, cleaning):
    from .conftest import make_pro

    pro = make_pro(payout_frequency="monthly")
    close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 11, 10))
    with time_machine.travel(paris(2026, 11, 25, 10, 30), tick=False):
        assert tasks.payout_monthly_batch() == 0
    with time_machine.travel(paris(2026, 11, 26, 10, 30), tick=False):
        assert tasks.payout_monthly_batch() == 1
    assert Payout.objects.get().batch_on == date(2026, 11, 26)
