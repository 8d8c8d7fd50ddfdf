"""Closing an account leaves nothing behind that should not be (issue 14 gaps): the saved
cards are detached at the payment provider (a failure retried by the retention job, never
blocking the closure), and nothing is notified to the closed account afterwards."""

import logging

import pytest

from customers.models import PaymentMethod
from feedback.notifications import SUPPORT_ANSWER
from notifications import services as notification_services
from notifications.models import Notification
from payouts.gateway import GatewayUnavailable
from payouts.gateway.fake import FakeGateway
from privacy import erasure
from privacy.models import CardDetach
from privacy.retention import apply_retention
from tests.factories import CustomerFactory, PaymentMethodFactory

pytestmark = pytest.mark.django_db

PARAMS = {"quote": "Bonjour"}


@pytest.fixture
def customer_with_cards():
    customer = CustomerFactory()
    first = PaymentMethodFactory(customer=customer)
    second = PaymentMethodFactory(customer=customer, is_default=False)
    return customer, [first, second]


def _close(user, capture):
    with capture(execute=True):
        assert erasure.account_close(user=user, by=user) is True


def test_closure_detaches_the_saved_cards_at_the_provider_on_commit(
    customer_with_cards, django_capture_on_commit_callbacks
):
    customer, cards = customer_with_cards
    gateway = FakeGateway()
    assert not any(gateway.is_detached(c.gateway_payment_method_id) for c in cards)

    _close(customer.user, django_capture_on_commit_callbacks)

    assert all(gateway.is_detached(c.gateway_payment_method_id) for c in cards)
    assert CardDetach.objects.filter(done_at__isnull=False).count() == 2
    # The rows stay (refunds and disputes of past charges), emptied.
    assert PaymentMethod.objects.filter(customer=customer, last4="").count() == 2


def test_a_provider_failure_does_not_block_the_closure_and_retention_retries(
    customer_with_cards, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    customer, cards = customer_with_cards

    def unavailable(self, *, payment_method_id):
        raise GatewayUnavailable()

    monkeypatch.setattr(FakeGateway, "detach_payment_method", unavailable)
    with caplog.at_level(logging.ERROR, logger="privacy.erasure_cards"):
        _close(customer.user, django_capture_on_commit_callbacks)

    customer.user.refresh_from_db()
    assert erasure.is_closed(customer.user)
    pending = CardDetach.objects.filter(done_at__isnull=True)
    assert pending.count() == 2
    assert {d.attempts for d in pending} == {1}
    assert all("GatewayUnavailable" in d.last_error for d in pending)
    assert "could not detach payment method" in caplog.text

    dry = apply_retention(dry_run=True)
    assert sorted(dry.card_detaches) == sorted(d.pk for d in pending)

    monkeypatch.undo()
    report = apply_retention()
    assert len(report.card_detaches) == 2
    assert not CardDetach.objects.filter(done_at__isnull=True).exists()
    assert all(FakeGateway().is_detached(c.gateway_payment_method_id) for c in cards)


def test_nothing_is_notified_to_a_closed_account(django_capture_on_commit_callbacks):
    """A late notification (a task or a receiver running after the closure committed, with
    the account read fresh) records nothing and sends nothing."""
    customer = CustomerFactory()
    _close(customer.user, django_capture_on_commit_callbacks)
    customer.user.refresh_from_db()

    with django_capture_on_commit_callbacks() as callbacks:
        notification_services.notify(
            user=customer.user, kind=SUPPORT_ANSWER, params=PARAMS, url="/x"
        )
        notification_services.notify_many(
            [Notification(user=customer.user, kind=SUPPORT_ANSWER, params=PARAMS)]
        )
    assert not Notification.objects.filter(user=customer.user).exists()
    assert callbacks == []  # no e-mail, no push, no live event
