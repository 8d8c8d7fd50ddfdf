"""A suspended pro is told once (the suspension notice), not once per withdrawn proposal,
counter-offer or cancelled session they set up; a withdrawal or cancellation for any other
reason still tells the pro."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from bookings import services
from notifications.models import Notification
from pros.services import pro_suspend
from tests.bookings.helpers import NOW, at, sent_to
from tests.factories import booking_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return get_user_model().objects.create_user(
        email="support@example.com", password="x", is_staff=True
    )


def test_a_suspended_pro_gets_the_suspension_notice_only(
    clock, book, make_pro, support, mailoutbox, django_capture_on_commit_callbacks
):
    pro = make_pro(score=90)
    other = make_pro(score=80)
    requests = [book(at(4, 10)), book(at(5, 10))]  # far ahead: one pro at a time
    assert [sent_to(request) for request in requests] == [[pro.pk], [pro.pk]]
    # A counter-offer on a third request: it lapses too.
    third = book(at(6, 10))
    proposal = third.proposals.get(pro=pro)
    services.proposal_counter(proposal=proposal, pro=pro, start=third.start + timedelta(hours=3))
    Notification.objects.filter(user=pro.user).delete()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        pro_suspend(pro=pro, by=support, reason="Absences répétées")

    assert list(Notification.objects.filter(user=pro.user).values_list("kind", flat=True)) == [
        "pro_suspended"
    ]
    assert [message.to for message in mailoutbox if pro.user.email in message.to] == [
        [pro.user.email]
    ]
    for request in requests:
        assert request.proposals.get(pro=pro).status == "withdrawn"
    assert third.counter_offers.get(pro=pro).status == "lapsed"
    assert not other.user.notifications.filter(kind="proposal_taken").exists()


def test_a_withdrawal_for_another_reason_still_tells_the_pro(clock, book, make_pro, customer):
    pro = make_pro()
    request = book(at(4, 10))
    assert sent_to(request) == [pro.pk]
    services.booking_request_cancel(request=request, by=customer.user)
    assert Notification.objects.filter(user=pro.user, kind="proposal_cancelled").count() == 1


def _regular_pro(make_pro, customer, address, service):
    """A pro who served the customer: they may set up sessions for them."""
    pro = make_pro()
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=7),
        status="completed",
    )
    return pro


def _set_up_session(pro, customer, address, service, start):
    return services.pro_session_propose(
        pro=pro, customer=customer, service=service, address=address, start=start
    )


def test_sessions_cancelled_by_the_suspension_are_not_told_one_by_one(
    clock,
    make_pro,
    customer,
    address,
    service,
    support,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    pro = _regular_pro(make_pro, customer, address, service)
    sessions = [_set_up_session(pro, customer, address, service, at(day, 9)) for day in (4, 5, 6)]
    Notification.objects.filter(user=pro.user).delete()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        pro_suspend(pro=pro, by=support, reason="Paiements hors plateforme")

    for session in sessions:
        session.refresh_from_db()
        assert session.status == "cancelled" and session.cancel_reason == "pro_unavailable"
    assert list(Notification.objects.filter(user=pro.user).values_list("kind", flat=True)) == [
        "pro_suspended"
    ]
    assert [message.to for message in mailoutbox if pro.user.email in message.to] == [
        [pro.user.email]
    ]


def test_a_session_cancelled_for_another_reason_still_tells_the_pro(
    clock, make_pro, customer, address, service, support
):
    pro = _regular_pro(make_pro, customer, address, service)
    session = _set_up_session(pro, customer, address, service, at(4, 9))
    services.booking_request_cancel(request=session, by=support, reason="doublon")
    assert Notification.objects.filter(user=pro.user, kind="proposal_cancelled").count() == 1


def test_the_customer_is_told_when_a_session_their_pro_set_up_is_withdrawn(
    clock, make_pro, customer, address, service, support, django_capture_on_commit_callbacks
):
    pro = _regular_pro(make_pro, customer, address, service)
    sessions = [_set_up_session(pro, customer, address, service, at(day, 9)) for day in (4, 5)]
    Notification.objects.filter(user=customer.user).delete()

    with django_capture_on_commit_callbacks(execute=True):
        pro_suspend(pro=pro, by=support, reason="Paiements hors plateforme")

    told = Notification.objects.filter(user=customer.user, kind="session_withdrawn")
    assert sorted(n.data["request"] for n in told) == sorted(s.pk for s in sessions)
    assert all(pro.user.first_name in n.body for n in told)


def test_the_customer_is_not_told_about_their_own_cancellation(
    clock, make_pro, customer, address, service
):
    pro = _regular_pro(make_pro, customer, address, service)
    session = _set_up_session(pro, customer, address, service, at(4, 9))
    Notification.objects.filter(user=customer.user).delete()
    services.booking_request_cancel(request=session, by=customer.user)
    assert not Notification.objects.filter(user=customer.user, kind="session_withdrawn").exists()
