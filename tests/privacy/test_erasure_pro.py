# ruff: noqa: F401, F811  (fixtures imported from tests/privacy/privacy_world.py)
"""A pro closes their account: open proposals withdrawn, future sessions cancelled as the pro's
cancellation (sent again to other pros), suspended, personal fields and documents erased;
refused while money is owed to them or a past session awaits their declaration."""

from datetime import timedelta

import pytest

from bookings.models import BookingRequest, Proposal
from checkin.models import Outcome, SessionRecord
from core.models import AuditEvent
from payouts.models import LedgerEntry, Payout
from privacy import erasure
from pros.models import Document, Pro, ZoneCell
from tests.factories import DocumentFactory, booking_request_row
from tests.privacy.privacy_world import (  # fixtures
    NOW,
    PASSWORD,
    cleaning,
    clock,
    future_session,
    world,
)

pytestmark = pytest.mark.django_db


def test_pro_closure_ends_work_and_erases_but_keeps_the_money(
    world, cleaning, django_capture_on_commit_callbacks
):
    pro, customer = world["pro"], world["customer"]
    document = DocumentFactory(pro=pro)
    storage = Document._meta.get_field("file").storage
    name = document.file.name
    assert storage.exists(name)
    other_request = booking_request_row(
        customer=customer,
        address=customer.addresses.first(),
        service=cleaning,
        start=NOW + timedelta(days=6),
    )
    Proposal.objects.create(request=other_request, pro=pro, expires_at=NOW + timedelta(minutes=30))
    earnings = list(LedgerEntry.objects.filter(pro=pro).values_list("amount_cents", flat=True))
    payouts = list(Payout.objects.filter(pro=pro).values_list("amount_cents", "status"))

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.account_close(user=pro.user, by=pro.user) is True

    pro.refresh_from_db()
    assert pro.status == Pro.Status.SUSPENDED and not pro.is_dispatchable
    assert (pro.iban, pro.bic, pro.account_holder, pro.bio) == ("", "", "", "")
    assert pro.slug.startswith("closed-")
    assert not ZoneCell.objects.filter(pro=pro).exists()
    document.refresh_from_db()
    assert document.file_deleted_at is not None and not storage.exists(name)
    assert not Proposal.objects.filter(pro=pro, status=Proposal.Status.SENT).exists()
    # The future session: cancelled by the pro, sent again to other pros (3 days ahead).
    record = SessionRecord.objects.get(booking=world["future"])
    assert record.outcome == Outcome.CANCELLED_BY_PRO
    assert BookingRequest.objects.filter(
        excluded_pro=pro, status=BookingRequest.Status.DISPATCHING
    ).exists()
    # The money is untouched.
    assert (
        list(LedgerEntry.objects.filter(pro=pro).values_list("amount_cents", flat=True)) == earnings
    )
    assert list(Payout.objects.filter(pro=pro).values_list("amount_cents", "status")) == payouts
    pro.user.refresh_from_db()
    assert not pro.user.is_active and pro.user.email.endswith("@closed.invalid")
    assert AuditEvent.objects.filter(action="privacy.account_closed").count() == 1


def test_money_owed_blocks_a_pro(world):
    pro = world["pro"]
    Payout.objects.filter(pro=pro).update(status=Payout.Status.SENT)
    with pytest.raises(erasure.AccountClosureBlocked) as refused:
        erasure.account_close(user=pro.user, by=pro.user)
    assert refused.value.code == "account_closure_blocked"
    pro.refresh_from_db()
    assert pro.iban and pro.status == Pro.Status.ACTIVE


def test_a_past_session_awaiting_declaration_blocks_a_pro(world, cleaning, clock):
    future = world["future"]
    clock.shift(future.start - NOW + timedelta(minutes=10))  # the session has started
    with pytest.raises(erasure.AccountClosureBlocked):
        erasure.account_close(user=world["pro"].user, by=world["pro"].user)


def test_support_needs_a_reason_and_cannot_close_staff(world, django_user_model):
    support = django_user_model.objects.create_user("s@example.com", "x", is_staff=True)
    with pytest.raises(erasure.InvalidInput):
        erasure.account_close(user=world["pro"].user, by=support, reason="")
    with pytest.raises(erasure.AccountProtected):
        erasure.account_close(user=support, by=support, reason="test")
