"""Pro side: first accept wins, the others are withdrawn; the API for the pro app."""

from datetime import timedelta

import pytest

from bookings import services
from bookings.models import Booking, BookingRequest, Proposal
from tests.bookings.helpers import NOW, at
from tests.factories import booking_row

pytestmark = pytest.mark.django_db

PROPOSALS = "/api/v1/pro/proposals"


@pytest.fixture
def three_pros(make_pro):
    return [make_pro(score=90 - i) for i in range(3)]


@pytest.fixture
def urgent(clock, book, three_pros):
    """Three hours ahead: three pros hold it at once, five minutes to answer."""
    return book(NOW + timedelta(hours=3))


def test_first_accept_wins_and_the_others_are_told(urgent, three_pros, customer):
    winner, late, _other = three_pros
    booking = services.proposal_accept(proposal=urgent.proposals.get(pro=winner), pro=winner)

    urgent.refresh_from_db()
    assert urgent.status == BookingRequest.Status.CONFIRMED and urgent.next_dispatch_at is None
    assert (booking.pro, booking.start, booking.end) == (winner, urgent.start, urgent.end)
    assert booking.busy.upper == urgent.end + timedelta(minutes=30)
    assert booking.pro_net_cents == urgent.pro_net_cents
    statuses = dict(urgent.proposals.values_list("pro_id", "status"))
    assert statuses == {winner.pk: "accepted", late.pk: "withdrawn", three_pros[2].pk: "withdrawn"}
    assert late.user.notifications.filter(kind="proposal_taken").count() == 1
    assert customer.user.notifications.filter(kind="request_accepted").count() == 1

    with pytest.raises(services.ProposalUnavailable):
        services.proposal_accept(proposal=urgent.proposals.get(pro=late), pro=late)
    # Accepting twice is harmless.
    assert (
        services.proposal_accept(proposal=urgent.proposals.get(pro=winner), pro=winner) == booking
    )
    assert Booking.objects.count() == 1
    kinds = list(urgent.events.values_list("kind", flat=True))
    assert kinds[-4:] == [
        "proposal_accepted",
        "proposal_withdrawn",
        "proposal_withdrawn",
        "booking_confirmed",
    ]


def test_an_expired_proposal_cannot_be_accepted(clock, urgent, three_pros):
    clock.shift(timedelta(minutes=5))
    with pytest.raises(services.ProposalUnavailable):
        services.proposal_accept(
            proposal=urgent.proposals.get(pro=three_pros[0]), pro=three_pros[0]
        )
    assert Booking.objects.count() == 0


def test_the_exclusion_constraint_refuses_an_overlap_with_agenda_conflict(
    urgent, three_pros, customer, address, service
):
    pro = three_pros[0]
    # A booking written behind the engine's back (e.g. by support) within the travel buffer.
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=urgent.end + timedelta(minutes=20),
    )
    with pytest.raises(services.AgendaConflict):
        services.proposal_accept(proposal=urgent.proposals.get(pro=pro), pro=pro)
    urgent.refresh_from_db()
    assert urgent.status == "dispatching"
    assert not Booking.objects.filter(request=urgent).exists()
    # The pro can never take it: their place is freed at once instead of at expiry.
    assert urgent.proposals.get(pro=pro).status == "withdrawn"
    assert urgent.next_dispatch_at is not None
    assert urgent.events.filter(kind="proposal_withdrawn", data__reason="agenda_conflict").exists()


def test_pro_api_lists_open_proposals_with_net_amount_and_no_exact_address(
    api_client, urgent, three_pros, address, django_assert_max_num_queries
):
    pro = three_pros[0]
    api_client.force_authenticate(pro.user)
    with django_assert_max_num_queries(4):
        body = api_client.get(PROPOSALS).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["pro_net_cents"] == urgent.pro_net_cents
    assert row["neighbourhood"] == f"{address.postal_code} {address.city}"
    assert address.street not in str(row)
    assert row["seconds_left"] == 300
    assert row["expires_at"].endswith("+01:00")


def test_pro_api_accept(api_client, urgent, three_pros):
    winner, late, _ = three_pros
    api_client.force_authenticate(winner.user)
    proposal = urgent.proposals.get(pro=winner)
    response = api_client.post(f"{PROPOSALS}/{proposal.pk}/accept")
    assert response.status_code == 200
    assert response.json()["booking"] == Booking.objects.get().pk

    api_client.force_authenticate(late.user)
    response = api_client.post(f"{PROPOSALS}/{urgent.proposals.get(pro=late).pk}/accept")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "proposal_unavailable"
    assert api_client.get(PROPOSALS).json()["count"] == 0  # withdrawn ones disappear

    bookings = api_client.get("/api/v1/pro/bookings").json()
    assert bookings["count"] == 0
    api_client.force_authenticate(winner.user)
    bookings = api_client.get("/api/v1/pro/bookings").json()
    assert (
        bookings["results"][0]["address"]["street"] == urgent.address.street
    )  # exact address after accepting

    services.booking_cancel(booking=Booking.objects.get(), by=None, reason="customer asked")
    address = api_client.get("/api/v1/pro/bookings").json()["results"][0]["address"]
    assert address == {"postal_code": urgent.address.postal_code, "city": urgent.address.city}


def test_pro_api_agenda_conflict(api_client, urgent, three_pros, customer, address, service):
    pro = three_pros[0]
    booking_row(pro=pro, customer=customer, address=address, service=service, start=urgent.start)
    api_client.force_authenticate(pro.user)
    response = api_client.post(f"{PROPOSALS}/{urgent.proposals.get(pro=pro).pk}/accept")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "agenda_conflict"


def test_pro_api_refuse_and_someone_elses_proposal(api_client, urgent, three_pros):
    first, second, _ = three_pros
    api_client.force_authenticate(second.user)
    response = api_client.post(f"{PROPOSALS}/{urgent.proposals.get(pro=first).pk}/refuse")
    assert response.status_code == 404
    api_client.force_authenticate(first.user)
    response = api_client.post(f"{PROPOSALS}/{urgent.proposals.get(pro=first).pk}/refuse")
    assert response.status_code == 200
    assert urgent.proposals.get(pro=first).status == Proposal.Status.REFUSED


def test_pro_api_needs_a_pro(api_client, customer):
    api_client.force_authenticate(customer.user)
    response = api_client.get(PROPOSALS)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_pro"


def test_pro_bookings_query_count(
    api_client, make_pro, customer, address, service, django_assert_max_num_queries
):
    pro = make_pro()
    for day in range(10):
        booking_row(
            pro=pro, customer=customer, address=address, service=service, start=at(day + 1, 10)
        )
    api_client.force_authenticate(pro.user)
    with django_assert_max_num_queries(4):
        assert api_client.get("/api/v1/pro/bookings").json()["count"] == 10


def test_completed_booking_counts_for_the_pro(clock, urgent, three_pros):
    pro = three_pros[0]
    booking = services.proposal_accept(proposal=urgent.proposals.get(pro=pro), pro=pro)
    services.booking_mark_completed(booking=booking)
    services.booking_mark_completed(booking=booking)  # idempotent
    pro.refresh_from_db()
    assert pro.completed_sessions_count == 1 and pro.has_personal_link


def test_support_cancels_a_booking_and_frees_the_slot(clock, urgent, three_pros, customer):
    pro = three_pros[0]
    booking = services.proposal_accept(proposal=urgent.proposals.get(pro=pro), pro=pro)
    services.booking_cancel(booking=booking, by=None, reason="force majeure")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert pro.user.notifications.filter(kind="booking_cancelled").exists()
    assert customer.user.notifications.filter(kind="booking_cancelled").exists()
    # Cancelled bookings leave the exclusion constraint.
    urgent.refresh_from_db()
    assert urgent.status == "cancelled"
