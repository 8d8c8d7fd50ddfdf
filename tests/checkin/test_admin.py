"""Support's admin for sessions: the declarations with who and when, the insurance cover,
cancellations with or without fee (a reason first), the late-cancellation block lifted."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from checkin import services
from checkin.models import BillableItem, Outcome
from pros import services as pro_services
from tests.checkin.helpers import NOW, record_of
from tests.factories import UserFactory
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(db, settings):
    settings.LANGUAGE_CODE = "en"
    ensure_support_group()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Support"))
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_support_reads_the_declarations_and_the_insurance_cover(clock, session, support):
    booking = session(NOW - timedelta(minutes=10))
    services.declaration_make(booking=booking, pro=booking.pro, kind="arrival")
    clock.shift(timedelta(hours=2))
    services.declaration_make(booking=booking, pro=booking.pro, kind="done")
    record = record_of(booking)
    page = support.get(reverse("admin:checkin_sessionrecord_change", args=[record.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pro declared their arrival" in html and "Pro declared the session done" in html
    assert booking.pro.user.email in html
    assert "From 2 Mar 2026 09:00 to 2 Mar 2026 11:00" in html  # arrival to done, Paris time


def test_support_cancels_with_the_schedules_fee_after_giving_a_reason(clock, session, support):
    booking = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(days=1))
    record = record_of(booking)
    url = reverse("admin:checkin_sessionrecord_changelist")
    selection = {"action": "cancel_with_fee", ACTION_CHECKBOX_NAME: [record.pk]}
    step = support.post(url, selection)
    assert step.status_code == 200 and "reason" in step.content.decode()
    assert record_of(booking).outcome == Outcome.PENDING
    support.post(url, {**selection, "apply": "1", "reason": "Customer called"})
    assert record_of(booking).outcome == Outcome.CANCELLED_BY_CUSTOMER
    assert BillableItem.objects.get(booking=booking).amount_cents == 2000


def test_support_lifts_a_late_cancellation_block(clock, pro, support):
    pro_services.pro_block_new_proposals(pro=pro, until=NOW + timedelta(hours=48), reason="late")
    support.post(
        reverse("admin:pros_pro_changelist"),
        {"action": "lift_proposal_block", ACTION_CHECKBOX_NAME: [pro.pk]},
    )
    pro.refresh_from_db()
    assert pro.proposals_blocked_until is None and pro.is_dispatchable
