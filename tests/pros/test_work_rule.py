""" "May this pro take work": the queryset, the Python properties and the SQL fragment agree."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from pros import services
from pros.models import DISPATCHABLE_SQL, Pro
from tests.factories import ProFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sql_dispatchable_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM pros_pro p WHERE {DISPATCHABLE_SQL.format(t='p')}")
        return {row[0] for row in cursor.fetchall()}


def test_queryset_properties_and_sql_agree():
    support = UserFactory(is_staff=True)
    active = ProFactory(active=True)
    paused = ProFactory(active=True, paused=True)
    onboarding = ProFactory()
    suspended = services.pro_suspend(pro=ProFactory(active=True), by=support, reason="Fraud")
    blocked = services.pro_block_new_proposals(  # late cancellations (checkin's rule)
        pro=ProFactory(active=True), until=timezone.now() + timedelta(hours=48), reason="late"
    )
    pros = [active, paused, onboarding, suspended, blocked]
    for pro in pros:
        pro.refresh_from_db()

    assert set(Pro.objects.may_work()) == {active, paused, onboarding, blocked}
    assert {pro for pro in pros if pro.may_work} == {active, paused, onboarding, blocked}
    assert set(Pro.objects.dispatchable()) == {active}
    assert {pro for pro in pros if pro.is_dispatchable} == {active}
    assert _sql_dispatchable_ids() == {active.pk}
    assert services.pro_is_dispatchable(active) and not services.pro_is_dispatchable(suspended)


def test_zone_cells_follow_the_same_rule():
    support = UserFactory(is_staff=True)
    pro = ProFactory(active=True)
    assert pro.zone_cells.filter(dispatchable=False).count() == 0
    services.pro_suspend(pro=pro, by=support, reason="Fraud")
    assert pro.zone_cells.filter(dispatchable=True).count() == 0
    services.pro_reactivate(pro=pro, by=support)
    assert pro.zone_cells.filter(dispatchable=False).count() == 0
    services.pro_block_new_proposals(pro=pro, until=timezone.now() + timedelta(hours=1), reason="l")
    assert pro.zone_cells.filter(dispatchable=True).count() == 0
    services.pro_unblock_new_proposals(pro=pro, by=support)
    assert pro.zone_cells.filter(dispatchable=False).count() == 0
