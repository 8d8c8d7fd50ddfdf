"""A suspended pro loses their open proposals at once, and can no longer accept one."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from bookings import services, tasks
from pros.services import pro_suspend
from tests.bookings.helpers import NOW, at, sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return get_user_model().objects.create_user(
        email="support@example.com", password="x", is_staff=True
    )


def test_suspension_withdraws_open_proposals_and_the_next_pro_gets_the_place(
    clock, book, make_pro, support, django_capture_on_commit_callbacks
):
    first, second = make_pro(score=90), make_pro(score=80)
    request = book(at(4, 10))  # far ahead: one pro at a time
    assert sent_to(request) == [first.pk]

    with django_capture_on_commit_callbacks(execute=True):
        pro_suspend(pro=first, by=support, reason="Repeated no-shows")
    tasks.dispatch_request(request.pk)  # the wake-up the withdrawal enqueued

    request.refresh_from_db()
    assert request.proposals.get(pro=first).status == "withdrawn"
    assert sent_to(request) == [second.pk]
    assert (
        request.events.filter(kind="proposal_withdrawn", data__reason="pro_unavailable").count()
        == 1
    )


def test_a_suspended_pro_cannot_accept(clock, book, make_pro, support):
    pro = make_pro(score=90)
    request = book(NOW + timedelta(hours=30))
    proposal = request.proposals.get(pro=pro)
    pro_suspend(pro=pro, by=support, reason="Fraud check")  # on-commit withdrawal not run here
    pro.refresh_from_db()
    with pytest.raises(services.ProposalUnavailable):
        services.proposal_accept(proposal=proposal, pro=pro)
    assert not request.proposals.filter(status="accepted").exists()


def test_a_stale_pro_object_cannot_book_after_suspension(clock, book, make_pro, support):
    pro = make_pro(score=90)
    request = book(NOW + timedelta(hours=30))
    stale = type(pro).objects.get(pk=pro.pk)  # loaded before the suspension commits
    pro_suspend(pro=pro, by=support, reason="Fraud check")
    with pytest.raises(services.ProposalUnavailable):
        services.proposal_accept(proposal=request.proposals.get(pro=pro), pro=stale)
    assert not request.proposals.filter(status="accepted").exists()


def test_suspension_cancels_sessions_the_pro_set_up_and_blocks_new_ones(
    clock, make_pro, customer, address, service, support, django_capture_on_commit_callbacks
):
    from tests.factories import booking_row

    pro = make_pro()
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=NOW - timedelta(days=7),
        status="completed",
    )
    session = services.pro_session_propose(
        pro=pro, customer=customer, service=service, address=address, start=at(4, 9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        pro_suspend(pro=pro, by=support, reason="Off-platform payments")
    session.refresh_from_db()
    assert session.status == "cancelled" and session.cancel_reason == "pro_unavailable"
    with pytest.raises(services.ProUnavailable):
        services.pro_session_propose(
            pro=pro, customer=customer, service=service, address=address, start=at(5, 9)
        )


def test_bonus_proposals_skip_suspended_pros(clock, book, make_pro, support):
    from tests.factories import ProFactory

    make_pro(score=90)
    request = book(at(4, 10))
    suspended = ProFactory(active=True)
    pro_suspend(pro=suspended, by=support, reason="Fraud check")
    assert services.booking_request_send_bonus(request=request, pros=[suspended], by=support) == []
