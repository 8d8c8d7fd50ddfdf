"""What a dispatch step costs the database, pinned: at most 7 statements for one request
(the SAVEPOINT and RELEASE of the test's transaction included), whatever the wave size; the
sweep claims due requests in batches at a fixed number of statements per batch; notification e-mails
leave through their own queue after the commit, never inside the step."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase

from bookings import services, tasks
from bookings.models import BookingRequest, Proposal
from notifications.models import PushSubscription
from tests.bookings.helpers import NOW, at, sent_to
from tests.factories import booking_customer, booking_request_row
from wecasa.celery import app as celery_app

pytestmark = pytest.mark.django_db

STEP_MAX_STATEMENTS = 7


def test_the_first_proposal_costs_at_most_7_statements(
    clock, make_pro, customer, address, service, django_assert_max_num_queries
):
    best = make_pro(score=90)
    make_pro(score=80)
    request = services.booking_request_create(
        customer=customer, address=address, service=service, start=at(3, 10)
    )
    with django_assert_max_num_queries(STEP_MAX_STATEMENTS):
        tasks.dispatch_request(request.pk)
    assert sent_to(request) == [best.pk]
    assert best.user.notifications.filter(kind="proposal_new").count() == 1


def test_a_wave_of_three_costs_the_same(
    clock, make_pro, customer, address, service, django_assert_max_num_queries
):
    pros = [make_pro(score=90 - i) for i in range(4)]
    request = services.booking_request_create(
        customer=customer, address=address, service=service, start=NOW + timedelta(hours=4)
    )
    with django_assert_max_num_queries(STEP_MAX_STATEMENTS):
        tasks.dispatch_request(request.pk)
    assert sent_to(request) == [pro.pk for pro in pros[:3]]


def test_handing_on_after_a_refusal_or_an_expiry_costs_at_most_7_statements(
    clock, make_pro, book, django_assert_max_num_queries
):
    first, second, third = make_pro(score=90), make_pro(score=80), make_pro(score=70)
    request = book(at(3, 10))
    services.proposal_refuse(proposal=request.proposals.get(pro=first), pro=first)
    with django_assert_max_num_queries(STEP_MAX_STATEMENTS):
        tasks.dispatch_request(request.pk)
    assert sent_to(request) == [second.pk]

    clock.shift(timedelta(minutes=60))  # the second pro's answer time is over
    with django_assert_max_num_queries(STEP_MAX_STATEMENTS):
        tasks.dispatch_request(request.pk)
    assert request.proposals.get(pro=second).status == Proposal.Status.EXPIRED
    assert sent_to(request) == [third.pk]


def test_a_sweep_batch_costs_the_same_statements_whatever_its_size(
    clock, make_pro, service, django_assert_max_num_queries
):
    for score in (90, 80):
        make_pro(score=score)
    requests = []
    for day in range(10):
        customer, address = booking_customer()
        request = booking_request_row(
            customer=customer, address=address, service=service, start=at(3 + day, 10)
        )
        BookingRequest.objects.filter(pk=request.pk).update(next_dispatch_at=NOW)
        requests.append(request)
    # Whatever the batch size: one claim, one candidate query for the batch, one statement for
    # the proposals and the due times, one INSERT each for the timeline and the notifications,
    # the batch's SAVEPOINT/RELEASE, and the pass's last claim (stray expiries) with its own pair.
    with django_assert_max_num_queries(10):
        assert services.dispatch_sweep() == len(requests)
    assert Proposal.objects.filter(request__in=requests, status="sent").count() == len(requests)
    assert not BookingRequest.objects.filter(
        pk__in=[r.pk for r in requests], next_dispatch_at__lte=NOW
    )


def test_e_mails_leave_after_the_commit_on_the_notifications_queue(
    clock, make_pro, customer, address, service, django_capture_on_commit_callbacks
):
    pro = make_pro()
    request = services.booking_request_create(
        customer=customer, address=address, service=service, start=at(3, 10)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.dispatch_request(request.pk)
        assert mail.outbox == []  # nothing is sent inside the step
    for callback in callbacks:
        callback()  # in production: one message to the notifications queue
    assert [message.to for message in mail.outbox] == [[pro.user.email]]
    route = celery_app.amqp.router.route({}, "notifications.tasks.send_notification_emails")
    assert route["queue"].name == "notifications"


def test_after_the_commit_no_device_query_for_a_pro_without_a_device(
    clock, make_pro, customer, address, service, monkeypatch, django_assert_num_queries
):
    """The candidate query says whether the pro has a device to push to; without one, the
    commit asks the database nothing more (no push is queued)."""
    pushed = []
    monkeypatch.setattr(
        "notifications.services.publish_pushes", lambda ids, user_ids: pushed.append(user_ids)
    )
    # E-mails are queued on commit in production (tests send them in-process instead).
    monkeypatch.setattr("notifications.services.publish_emails", lambda ids: None)
    without = make_pro(score=90)
    request = services.booking_request_create(
        customer=customer, address=address, service=service, start=at(3, 10)
    )
    with TestCase.captureOnCommitCallbacks() as callbacks:
        tasks.dispatch_request(request.pk)
    with django_assert_num_queries(0):
        for callback in callbacks:
            callback()
    assert sent_to(request) == [without.pk] and pushed == []

    with_device = make_pro(score=95)
    PushSubscription.objects.create(
        user=with_device.user, endpoint="https://push.example/1", p256dh="k", auth="a"
    )
    other = services.booking_request_create(
        customer=customer, address=address, service=service, start=at(4, 10)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        tasks.dispatch_request(other.pk)
    assert sent_to(other) == [with_device.pk] and pushed == [{with_device.user_id}]


def test_a_wake_up_also_steps_other_due_requests_at_the_same_cost(
    clock, make_pro, service, settings, django_assert_max_num_queries
):
    """A burst of wake-ups: the first one steps its request and other due requests (up to
    DISPATCH_WAKE_BATCH) in one set-based step; a request not due yet is left alone, and the
    later wake-ups of the stepped requests find nothing to do."""
    settings.DISPATCH_WAKE_BATCH = 3
    for score in (90, 80):
        make_pro(score=score)
    due = []
    for day in range(5):
        customer, address = booking_customer()
        request = booking_request_row(
            customer=customer, address=address, service=service, start=at(3 + day, 10)
        )
        due.append(request)
    BookingRequest.objects.filter(pk__in=[r.pk for r in due[:4]]).update(next_dispatch_at=NOW)
    later = due.pop()
    BookingRequest.objects.filter(pk=later.pk).update(next_dispatch_at=NOW + timedelta(hours=1))
    with django_assert_max_num_queries(STEP_MAX_STATEMENTS):
        tasks.dispatch_request(due[0].pk)
    assert [len(sent_to(request)) for request in due] == [1, 1, 1, 1]
    assert sent_to(later) == []
    with django_assert_max_num_queries(3):  # the lock, nothing due: no write
        tasks.dispatch_request(due[1].pk)
    assert [len(sent_to(request)) for request in due] == [1, 1, 1, 1]
