"""Reports and the blacklist: a pro reports a proposal, a customer's message or a customer's
behaviour (API and web); a customer reports a pro; support dismisses, warns or blacklists
from the report, which cancels the customer's open requests and future bookings (pros told,
no fee, slots freed) and refuses every booking call with 403; all audited."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from bookings.models import Booking, BookingRequest, Proposal
from checkin.models import BillableItem
from core.models import AuditEvent
from customers import services as customer_services
from feedback import services
from feedback.models import Report
from notifications.models import Notification
from tests.factories import ProFactory, booking_customer, booking_request_row
from tests.feedback.helpers import NOW, api_for, at, error_code, web_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(pro, customer_address, cleaning, clock):
    customer, address = customer_address
    request = booking_request_row(
        customer=customer,
        address=address,
        service=cleaning,
        start=at(3, 10),
        notes="Venez en tenue légère, je paierai en liquide ;)",
    )
    return Proposal.objects.create(
        request=request, pro=pro, status="sent", sent_at=NOW, expires_at=NOW + timedelta(hours=1)
    )


@pytest.fixture
def pro_api(pro):
    return api_for(pro.user)


def report(api, **body):
    return api.post("/api/v1/pro/reports", body, format="json")


def test_a_pro_reports_a_proposal_and_again_returns_the_same_report(pro_api, proposal, customer):
    first = report(pro_api, kind="proposal", id=proposal.pk)
    assert first.status_code == 201, first.content
    assert first.json()["kind"] == "proposal" and first.json()["status"] == "open"
    again = report(pro_api, kind="proposal", id=proposal.pk, details="Encore")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    saved = Report.objects.get()
    assert saved.reported_customer == customer and saved.proposal == proposal
    assert (
        AuditEvent.objects.filter(
            action="report.created", subject=f"feedback.report:{saved.pk}"
        ).count()
        == 1
    )


def test_a_pro_reports_a_customers_message_but_not_their_own(pro_api, booking, pro):
    theirs = services.message_send(
        booking=booking, sender=booking.customer.user, side="customer", body="Tu es mignonne"
    )
    mine = services.message_send(booking=booking, sender=pro.user, side="pro", body="Bonjour")
    assert report(pro_api, kind="message", id=theirs.pk).status_code == 201
    refused = report(pro_api, kind="message", id=mine.pk)
    assert refused.status_code == 409 and error_code(refused) == "report_not_allowed"
    assert Report.objects.get().booking == booking


def test_a_customers_behaviour_needs_details(pro_api, booking):
    refused = report(pro_api, kind="customer_behaviour", id=booking.pk)
    assert refused.status_code == 400 and "details" in refused.json()["error"]["fields"]
    done = report(pro_api, kind="customer_behaviour", id=booking.pk, details="Propos insultants")
    assert done.status_code == 201


def test_someone_elses_objects_are_404_and_bad_kinds_400(booking, proposal):
    other = api_for(ProFactory(bare_active=True).user)
    for kind, object_id in (("proposal", proposal.pk), ("customer_behaviour", booking.pk)):
        response = report(other, kind=kind, id=object_id, details="x")
        assert response.status_code == 404, (kind, response.content)
    assert report(other, kind="pro_behaviour", id=booking.pk).status_code == 400
    assert report(other, kind="proposal", id="abc").status_code == 400
    assert not Report.objects.exists()


def test_a_customer_reports_the_pros_behaviour(booking, customer, pro):
    api = api_for(customer.user)
    url = f"/api/v1/bookings/{booking.pk}/report"
    assert api.post(url, {"details": ""}, format="json").status_code == 400
    response = api.post(url, {"details": "Arrivé avec 1 h de retard, impoli"}, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "pro_behaviour"
    assert Report.objects.get().reported_pro == pro
    stranger, _address = booking_customer()
    assert api_for(stranger.user).post(url, {"details": "x"}, format="json").status_code == 404


def test_one_open_report_per_reporter_and_object_in_the_database(proposal, pro, customer):
    fields = {
        "reporter": pro.user,
        "reporter_side": "pro",
        "kind": "proposal",
        "object_key": f"proposal:{proposal.pk}",
        "reported_customer": customer,
    }
    Report.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**{**fields, "object_key": "x", "reported_pro": pro})


def test_support_dismisses_or_warns_and_the_people_are_told(pro_api, proposal, booking, admin_user):
    first, _ = services.report_by_pro(pro=proposal.pro, kind="proposal", object_id=proposal.pk)
    second, _ = services.report_by_pro(
        pro=proposal.pro, kind="customer_behaviour", object_id=booking.pk, details="Agressif"
    )
    services.report_dismiss(report=first, by=admin_user)
    with pytest.raises(Exception) as handled:
        services.report_warn(report=first, by=admin_user, reason="x")
    assert handled.value.code == "report_already_handled"

    services.report_warn(report=second, by=admin_user, reason="Restez courtois avec les pros.")
    second.refresh_from_db()
    assert second.status == "warned" and second.handling_note == "Restez courtois avec les pros."
    warning = Notification.objects.get(kind="support_warning")
    assert (
        warning.user == booking.customer.user and warning.body == "Restez courtois avec les pros."
    )
    assert Notification.objects.filter(user=proposal.pro.user, kind="report_handled").count() == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report.dismissed", "report.warned"} <= actions


def test_blacklisting_from_a_report_cancels_open_requests_and_future_bookings(
    proposal, booking_at, customer, pro, admin_user, clock, django_capture_on_commit_callbacks
):
    future = booking_at(at(2, 10))
    past = booking_at(at(-2, 10), status="completed")
    other_pro = ProFactory(bare_active=True)
    elsewhere = booking_at(at(4, 15), who=other_pro)
    first, _ = services.report_by_pro(pro=pro, kind="proposal", object_id=proposal.pk)
    second, _ = services.report_by_pro(
        pro=pro, kind="customer_behaviour", object_id=future.pk, details="Insultes"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_blacklist(report=first, by=admin_user, reason="Propos déplacés")

    customer.refresh_from_db()
    assert customer.is_blacklisted and customer.blacklist_reason == "Propos déplacés"
    assert Report.objects.filter(status="blacklisted").count() == 2  # both reports handled
    proposal.request.refresh_from_db()
    assert proposal.request.status == BookingRequest.Status.CANCELLED
    for cancelled in (future, elsewhere):
        cancelled.refresh_from_db()
        assert cancelled.status == Booking.Status.CANCELLED  # the slot is free again
    past.refresh_from_db()
    assert past.status == Booking.Status.COMPLETED
    assert not BillableItem.objects.filter(booking__in=[future, elsewhere]).exists()  # no fee
    told = set(
        Notification.objects.filter(kind="session_cancelled").values_list("user_id", flat=True)
    )
    assert {pro.user_id, other_pro.user_id} <= told
    assert Notification.objects.filter(user=customer.user, kind="customer_blacklisted").exists()
    audit = AuditEvent.objects.get(action="customer.blacklist_cancellations")
    assert set(audit.data["cancelled"]) == {
        f"request:{proposal.request_id}",
        f"booking:{future.pk}",
        f"booking:{elsewhere.pk}",
    }
    assert AuditEvent.objects.filter(action="customer.blacklisted").count() == 1

    # From then on, every booking call answers 403.
    api = api_for(customer.user)
    response = api.post("/api/v1/booking-requests", {}, format="json")
    assert response.status_code == 403 and error_code(response) == "customer_blacklisted"
    response = api.post(f"/api/v1/bookings/{past.pk}/messages", {"body": "?"}, format="json")
    assert response.status_code == 403


def test_a_report_against_a_pro_cannot_blacklist(booking, customer, admin_user):
    against_pro, _ = services.report_by_customer(customer=customer, booking=booking, details="x")
    with pytest.raises(Exception) as refused:
        services.report_blacklist(report=against_pro, by=admin_user, reason="Non")
    assert refused.value.code == "report_not_allowed"
    customer.refresh_from_db()
    assert not customer.is_blacklisted and Report.objects.get().is_open


def test_blacklisting_from_the_customers_page_cancels_too(
    booking, customer, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_blacklist(customer=customer, by=admin_user, reason="Fraude")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    customer_services.customer_unblacklist(customer=customer, by=admin_user, reason="Erreur")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED  # unblacklisting restores booking only


def test_the_sweep_cancels_what_a_lost_signal_left(booking, customer, clock):
    customer.is_blacklisted = True  # blacklisted without the signal (e.g. it failed)
    customer.save(update_fields=["is_blacklisted"])
    assert services.blacklisted_work_sweep() == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert services.blacklisted_work_sweep() == 0


# --- pro web ----------------------------------------------------------------------------------


def test_the_proposal_card_has_a_report_link_and_the_page_reports(proposal, pro):
    web = web_for(pro.user)
    dashboard = web.get("/pro/").content.decode()
    link = f"/pro/reports/new?kind=proposal&amp;id={proposal.pk}"
    assert link in dashboard
    page = web.get(link.replace("&amp;", "&"))
    assert page.status_code == 200 and "tenue légère" in page.content.decode()
    response = web.post(link.replace("&amp;", "&"), {"details": "Commentaire déplacé"})
    assert response.status_code == 302 and response["Location"] == "/pro/"
    assert Report.objects.get().details == "Commentaire déplacé"


def test_the_report_page_refuses_others_objects_and_needs_details_for_a_behaviour(booking, pro):
    web = web_for(pro.user)
    url = f"/pro/reports/new?kind=customer_behaviour&id={booking.pk}"
    response = web.post(url, {"details": ""})
    assert response.status_code == 400 and not Report.objects.exists()
    other = web_for(ProFactory(bare_active=True).user)
    assert other.get(url).status_code == 404
    assert web.get("/pro/reports/new?kind=nope&id=1").status_code == 404
