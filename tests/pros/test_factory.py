import pytest

from pros.models import Pro, ZoneCell
from pros.services import pro_is_dispatchable
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db


def test_active_pro_is_dispatchable_with_zone_services_hours():
    pro = ProFactory(active=True, lat=48.86, lng=2.34, radius_km=10)
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ACTIVE
    assert pro.is_id_verified
    assert pro_is_dispatchable(pro)
    assert pro.services.count() > 0
    assert pro.working_hours.count() == 7
    assert ZoneCell.objects.filter(pro=pro, dispatchable=True).count() > 50
    assert pro.iban


def test_default_pro_is_onboarding_and_not_dispatchable():
    pro = ProFactory()
    assert pro.status == Pro.Status.ONBOARDING
    assert not pro_is_dispatchable(pro)


def test_paused_active_pro_is_not_dispatchable():
    pro = ProFactory(active=True, paused=True)
    assert pro.status == Pro.Status.ACTIVE
    assert not ZoneCell.objects.filter(pro=pro, dispatchable=True).exists()
