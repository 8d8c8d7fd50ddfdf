"""`manage.py simulate_dispatch`: a synthetic day through the real engine, rolled back, its
figures printed; a wave policy from a file; a real past day replayed on a copy."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookings.models import BookingRequest, Proposal
from bookings.simulation.report import gini, percentile
from catalog.models import Service
from core.clock import PARIS
from pros.models import Pro
from tests.factories import booking_customer, booking_request_row, dispatchable_pro

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("simulate_dispatch", *args, stdout=out)
    return out.getvalue()


def test_a_synthetic_day_prints_its_figures_and_leaves_nothing(tmp_path):
    pros_before = Pro.objects.count()
    text = run("--requests", "12", "--pros", "6", "--seed", "5")
    assert "fill rate:" in text and "Gini" in text and "no longer available" in text
    assert ">= 48 h:" in text and "p95" in text
    assert Pro.objects.count() == pros_before
    assert not BookingRequest.objects.exists() and not Proposal.objects.exists()


def test_a_policy_from_a_file(tmp_path):
    policy = tmp_path / "waves.json"
    policy.write_text(json.dumps([[1440, 1, 20], [0, 2, 5]]))
    text = run("--requests", "6", "--pros", "4", "--policy", str(policy))
    assert "lead >= 24 h: 1 pro(s) at once, 20 min to answer" in text
    policy.write_text(json.dumps([[0, 2, 5], [1440, 1, 20]]))
    with pytest.raises(CommandError):
        run("--policy", str(policy))


def test_a_real_past_day_is_replayed_on_a_copy():
    cleaning = Service.objects.get(slug="menage-2h")
    dispatchable_pro(services=[cleaning])
    customer, address = booking_customer()
    created = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
    original = booking_request_row(
        customer=customer,
        address=address,
        service=cleaning,
        start=created + timedelta(days=2),
        created_at=created,
        status="unfulfilled",
    )
    text = run("--day", "2026-03-02", "--pros", "0")
    assert "requests: 1 (0 refused at creation)" in text
    assert list(BookingRequest.objects.values_list("pk", flat=True)) == [original.pk]


def test_gini_and_percentiles():
    assert gini([5, 5, 5, 5]) == 0
    assert round(gini([0, 0, 0, 10]), 2) == 0.75
    assert percentile([1, 2, 3, 4, 100], 0.5) == 3
    assert percentile([1, 2, 3, 4, 100], 0.95) == 100
    assert percentile([], 0.5) is None
