"""Cancellations of a confirmed session: the customer's (fee per the schedule), on the
customer's behalf, the pro's (dispatched again, late ones counted and blocked), support's;
fee waivers."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from bookings import tasks
from bookings.models import BookingRequest
from checkin import services
from checkin.errors import BookingNotCancellable, FeeNotWaivable
from checkin.models import BillableItem, Outcome
from core.errors import NotFound
from notifications.models import Notification
from pros.models import Pro
from pros.selectors import missing_for_proposals
from tests.checkin.helpers import NOW, at, kinds, record_of
from tests.factories import booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def booking_service(pro):
    return pro.services.get(slug="menage-2h")


def cancel(booking, customer=None):
    return services.booking_customer_cancel(
        booking=booking, customer=customer or booking.customer, reason="Change of plans"
    )


def declare(booking, kind, **values):
    return services.declaration_make(booking=booking, pro=booking.pro, kind=kind, **values)


# --- the customer cancels ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "fee"),
    [
        (timedelta(hours=8), 0),
        (timedelta(hours=8) - SECOND, 1000),
        (timedelta(hours=4) - SECOND, 2000),
        (timedelta(hours=2) - SECOND, 3000),
    ],
)
def test_the_customer_pays_the_schedules_fee(clock, session, lead, fee):
    booking = session(NOW + lead, booked_at=NOW - timedelta(days=2))
    record, charged = cancel(booking)
    assert charged == fee and record.outcome == Outcome.CANCELLED_BY_CUSTOMER
    items = list(BillableItem.objects.filter(booking=booking))
    if fee:
        (item,) = items
        assert (item.kind, item.amount_cents) == ("cancellation_fee", fee)
        assert item.pro_share_cents == fee - round(fee * 0.15)
    else:
        assert items == []
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert kinds(booking)[-1] == "session_customer_cancelled"


def test_free_within_15_minutes_of_booking_even_at_the_last_minute(clock, session):
    booking = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(minutes=15))
    assert cancel(booking)[1] == 0
    late = session(at(1, 11), booked_at=NOW - timedelta(minutes=15) - SECOND)
    clock.move_to(at(1, 10))
    assert cancel(late)[1] == 3000


def test_the_pro_is_told_their_share(clock, session, pro):
    booking = session(NOW + timedelta(hours=5), booked_at=NOW - timedelta(days=1))
    cancel(booking)
    message = Notification.objects.get(user=pro.user, kind="session_cancelled")
    assert "8,50" in message.body  # €10 net of 15 %


def test_cancelling_twice_answers_the_same_fee(clock, session):
    booking = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(days=1))
    assert cancel(booking)[1] == 2000
    assert cancel(booking)[1] == 2000
    assert BillableItem.objects.filter(booking=booking).count() == 1


def test_someone_elses_booking_is_not_found(clock, session):
    booking = session(NOW + timedelta(hours=3))
    stranger, _address = booking_customer()
    with pytest.raises(NotFound):
        cancel(booking, customer=stranger)
    assert record_of(booking).outcome == Outcome.PENDING


def test_a_done_or_ended_session_cannot_be_cancelled(clock, session):
    done = session(NOW - timedelta(hours=1))
    declare(done, "done")
    with pytest.raises(BookingNotCancellable):
        cancel(done)
    ended = session(NOW - timedelta(hours=4))
    with pytest.raises(BookingNotCancellable):
        cancel(ended)


def test_customer_wants_to_cancel_cancels_on_their_behalf(clock, session, customer):
    booking = session(NOW + timedelta(hours=1), booked_at=NOW - timedelta(days=1))
    record = declare(booking, "customer_wants_to_cancel")
    assert record.outcome == Outcome.CANCELLED_BY_CUSTOMER
    assert BillableItem.objects.get(booking=booking).amount_cents == 3000
    message = Notification.objects.get(user=customer.user, kind="session_cancelled")
    assert "30,00" in message.body


# --- the pro cancels ----------------------------------------------------------------------------


def test_pro_cancel_at_least_2_hours_ahead_dispatches_again_without_them(
    clock, session, pro, customer, django_capture_on_commit_callbacks
):
    other = dispatchable_pro(services=[booking_service(pro)])
    booking = session(NOW + timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        record = declare(booking, "pro_cancels", reason="Sick child")
    assert record.outcome == Outcome.CANCELLED_BY_PRO and record_of(booking).late_cancellation
    assert not BillableItem.objects.filter(booking=booking).exists()
    again = BookingRequest.objects.exclude(pk=booking.request_id).get(customer=customer)
    assert again.start == booking.start and again.status == "dispatching"
    assert again.excluded_pro_id == pro.pk
    tasks.dispatch_request(again.pk)  # the wake-up enqueued on commit
    assert list(again.proposals.values_list("pro_id", flat=True)) == [other.pk]
    assert "session_redispatched" in kinds(booking)
    told = Notification.objects.get(user=customer.user, kind="session_pro_cancelled")
    assert "another pro" in told.body or "autre" in told.body


def test_pro_cancel_2_hours_ahead_exactly_is_dispatched_again(clock, session, customer):
    booking = session(NOW + timedelta(hours=2))
    declare(booking, "pro_cancels", reason="Flat tyre")
    assert BookingRequest.objects.filter(customer=customer).count() == 2


def test_pro_cancel_under_2_hours_is_not_dispatched_again(clock, session, customer):
    booking = session(NOW + timedelta(hours=2) - SECOND)
    declare(booking, "pro_cancels", reason="Flat tyre")
    assert BookingRequest.objects.filter(customer=customer).count() == 1


def test_a_cancellation_24_hours_ahead_is_not_late(clock, session):
    booking = session(NOW + timedelta(hours=24))
    declare(booking, "pro_cancels", reason="Moving")
    assert record_of(booking).late_cancellation is False


def test_three_late_cancellations_within_30_days_block_new_proposals_48_hours(clock, session, pro):
    first = session(NOW + timedelta(hours=10))
    declare(first, "pro_cancels", reason="1")
    clock.move_to(NOW + timedelta(days=20))
    second = session(NOW + timedelta(days=20, hours=10))
    declare(second, "pro_cancels", reason="2")
    assert Pro.objects.dispatchable().filter(pk=pro.pk).exists()

    clock.move_to(NOW + timedelta(days=29))
    third = session(NOW + timedelta(days=29, hours=3))
    declare(third, "pro_cancels", reason="3")

    pro.refresh_from_db()
    until = NOW + timedelta(days=29, hours=48)
    assert pro.proposals_blocked_until == until
    assert not Pro.objects.dispatchable().filter(pk=pro.pk).exists()
    assert Notification.objects.filter(
        user=pro.user, kind="pro_blocked_late_cancellations"
    ).exists()
    assert pro.zone_cells.filter(dispatchable=True).count() == 0
    assert "blocked" in [item.key for item in missing_for_proposals(pro)]  # why and until when

    clock.move_to(until - SECOND)
    assert "unblocked" not in [change.action for change in services.checkin_sweep()]
    clock.move_to(until)
    assert [c.pro_id for c in services.checkin_sweep() if c.action == "unblocked"] == [pro.pk]
    pro.refresh_from_db()
    assert pro.proposals_blocked_until is None and pro.is_dispatchable
    assert Pro.objects.dispatchable().filter(pk=pro.pk).exists()
    assert pro.zone_cells.filter(dispatchable=False).count() == 0


def test_support_lifts_a_block(clock, session, pro):
    from pros import services as pro_services

    pro_services.pro_block_new_proposals(pro=pro, until=NOW + timedelta(hours=48), reason="t")
    assert not Pro.objects.dispatchable().filter(pk=pro.pk).exists()
    support = get_user_model().objects.create_user(email="s@example.com", password="x")
    pro_services.pro_unblock_new_proposals(pro=pro, by=support)
    assert Pro.objects.dispatchable().filter(pk=pro.pk).exists()


def test_a_pro_cancel_needs_a_reason(clock, session):
    from core.errors import InvalidInput

    booking = session(NOW + timedelta(hours=5))
    with pytest.raises(InvalidInput) as refused:
        declare(booking, "pro_cancels", reason="  ")
    assert "reason" in refused.value.fields


# --- support and fee waivers ----------------------------------------------------------------


@pytest.fixture
def support():
    return get_user_model().objects.create_user(email="support@example.com", password="x")


def test_support_cancels_with_or_without_fee(clock, session, support, pro):
    with_fee = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(days=1))
    services.booking_support_cancel(
        booking=with_fee, by=support, reason="Phone call", with_fee=True
    )
    assert BillableItem.objects.get(booking=with_fee).amount_cents == 2000
    other = dispatchable_pro(services=[with_fee.service])
    without = session(NOW + timedelta(hours=3), who=other, booked_at=NOW - timedelta(days=1))
    record = services.booking_support_cancel(
        booking=without, by=support, reason="Pro did not come", with_fee=False
    )
    assert record.outcome == Outcome.CANCELLED_BY_CUSTOMER and record.cancel_reason
    assert not BillableItem.objects.filter(booking=without).exists()
    assert record.outcome_by == support


def test_the_pro_waives_a_fee_until_the_day_it_is_charged(clock, session, pro):
    booking = session(NOW + timedelta(hours=3), booked_at=NOW - timedelta(days=1))
    cancel(booking)
    item = BillableItem.objects.get(booking=booking)
    services.fee_waive(item=item, pro=pro)
    item.refresh_from_db()
    assert item.waived_at == NOW and item.waived_by == pro.user
    assert "session_fee_waived" in kinds(booking)

    other = session(NOW + timedelta(hours=6), booked_at=NOW - timedelta(days=1))
    cancel(other)
    late_item = BillableItem.objects.get(booking=other)
    clock.move_to(at(1, 0))  # the day it is charged
    with pytest.raises(FeeNotWaivable):
        services.fee_waive(item=late_item, pro=pro)


def test_pro_cancel_is_not_dispatched_again_when_the_customer_already_asked_again(
    clock, session, customer, django_capture_on_commit_callbacks
):
    """The one-open-request-per-home-and-time constraint would refuse the replacement: the
    customer's own new request stands, and the pro's cancellation still goes through."""
    booking = session(NOW + timedelta(hours=3))
    own = BookingRequest.objects.create(
        customer=booking.customer,
        service=booking.service,
        address=booking.address,
        start=booking.start,
        end=booking.end,
        price_cents=booking.price_cents,
        pro_net_cents=booking.pro_net_cents,
        platform_share_cents=booking.platform_share_cents,
        booking_deadline=booking.start - timedelta(hours=2),
        created_at=NOW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        record = declare(booking, "pro_cancels", reason="Sick child")
    assert record.outcome == Outcome.CANCELLED_BY_PRO
    assert set(BookingRequest.objects.filter(customer=customer).exclude(pk=booking.request_id)) == {
        own
    }
