"""A blacklisted customer who closes their account cannot come back under a new one with the
same e-mail (or phone) and be offered to the pros again: the closure keeps only keyed hashes
of them, linked to the blacklisting; a new customer account that matches is blacklisted."""

import hashlib
from datetime import timedelta

import pytest
import time_machine

from core import clock
from core.models import AuditEvent
from customers import services as customer_services
from customers.selectors import ensure_can_book
from customers.services import customer_blacklist
from feedback.models import Report
from privacy import erasure
from privacy.blacklist_carry_over import email_hash, normalise_email
from privacy.models import BlacklistCarryOver
from privacy.retention import apply_retention
from tests.factories import CustomerFactory, ProFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "Lea.Martin@example.com"
PHONE = "+33612345678"


def _signup(email=EMAIL, phone="06 98 76 54 32"):
    return customer_services.customer_register(
        email=email,
        password="a-long-secret-42",
        first_name="Léa",
        last_name="Martin",
        phone=phone,
    )


@pytest.fixture
def blacklisted_then_closed(django_capture_on_commit_callbacks):
    customer = CustomerFactory(user__email=EMAIL.lower(), user__phone=PHONE)
    pro = ProFactory(bare_active=True)
    report = Report.objects.create(
        reporter=pro.user,
        reporter_side="pro",
        kind=Report.Kind.CUSTOMER_BEHAVIOUR,
        object_key="booking:1",
        reported_customer=customer,
        status=Report.Status.BLACKLISTED,
        handled_at=clock.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        customer_blacklist(customer=customer, by=None, reason="Agressif avec la pro")
        erasure.account_close(user=customer.user, by=customer.user)
    return customer, report


def test_closure_keeps_keyed_hashes_only(blacklisted_then_closed, settings):
    customer, report = blacklisted_then_closed
    carry_over = BlacklistCarryOver.objects.get()
    assert carry_over.closed_customer == customer and carry_over.report_ids == [report.pk]
    # Keyed: neither the address nor a plain hash of it; another key gives another hash.
    plain = hashlib.sha256(EMAIL.lower().encode()).hexdigest()
    assert carry_over.email_hmac not in {EMAIL.lower(), plain}
    assert carry_over.email_hmac == email_hash(EMAIL)
    settings.PRIVACY_HASH_KEY = "another-key"
    assert email_hash(EMAIL) != carry_over.email_hmac
    assert carry_over.expires_at == carry_over.created_at + timedelta(
        days=settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS
    )


def test_signing_up_again_with_the_same_email_is_blacklisted_again(blacklisted_then_closed):
    closed, report = blacklisted_then_closed
    new = _signup(email="lea.martin+again@EXAMPLE.com")  # case and +tag do not help

    new.refresh_from_db()
    assert new.is_blacklisted
    with pytest.raises(Exception) as refused:
        ensure_can_book(new)
    assert getattr(refused.value, "code", "") == "customer_blacklisted"
    carry_over = BlacklistCarryOver.objects.get()
    assert carry_over.relinked_customer == new and carry_over.relinked_at is not None
    audited = AuditEvent.objects.get(action="privacy.blacklist_carried_over")
    assert audited.subject == f"customers.customer:{new.pk}"
    assert audited.data["closed_customers"] == [closed.pk]
    assert audited.data["reports"] == [report.pk]


def test_the_same_phone_with_another_email_is_blacklisted_again(blacklisted_then_closed):
    new = _signup(email="autre@example.com", phone="06 12 34 56 78")
    new.refresh_from_db()
    assert new.is_blacklisted


def test_an_existing_account_becoming_a_customer_is_checked_too(blacklisted_then_closed):
    user = UserFactory(email="lea.martin@example.com")
    new = customer_services.customer_create_for_user(user=user)
    new.refresh_from_db()
    assert new.is_blacklisted


def test_others_sign_up_freely_and_the_carry_over_expires(blacklisted_then_closed, settings):
    assert not _signup(email="someone.else@example.com").is_blacklisted
    assert normalise_email(" A+b@X.fr ") == "a@x.fr"

    later = clock.now() + timedelta(days=settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS + 1)
    with time_machine.travel(later, tick=False):
        report = apply_retention()
        assert len(report.blacklist_carry_overs) == 1
        assert not BlacklistCarryOver.objects.exists()
        assert not _signup().is_blacklisted


def test_a_customer_not_blacklisted_leaves_nothing(django_capture_on_commit_callbacks):
    customer = CustomerFactory(user__email=EMAIL.lower())
    with django_capture_on_commit_callbacks(execute=True):
        erasure.account_close(user=customer.user, by=customer.user)
    assert not BlacklistCarryOver.objects.exists()
    assert not _signup().is_blacklisted
