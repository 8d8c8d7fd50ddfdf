"""Support's admin (as a Support-group member, not a superuser): the reports queue with what
is at hand and its actions, support conversations answered from the page, hiding a review,
flagged messages, a pro's conduct on their page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.models import Booking
from feedback import services
from feedback.models import Report, Review, SupportConversation, SupportMessage
from notifications.models import Notification
from tests.factories import UserFactory
from tests.feedback.helpers import at
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    ensure_support_group()
    user = UserFactory(email="support@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    client.user = user
    return client


def test_feedbacks_support_permissions_are_granted(support):
    user = support.user
    for permission in (
        "feedback.view_report",
        "feedback.change_report",
        "feedback.change_supportconversation",
        "feedback.change_review",
        "feedback.view_message",
    ):
        assert user.has_perm(permission), permission
    assert not user.has_perm("feedback.delete_report")


@pytest.fixture
def flagged_report(booking, pro):
    message = services.message_send(
        booking=booking,
        sender=booking.customer.user,
        side="customer",
        body="Laisse ton 06 12 34 56 78, on fera sans l'appli",
    )
    report, _created = services.report_by_pro(pro=pro, kind="message", object_id=message.pk)
    return report


def test_the_queue_shows_open_reports_with_the_conversation_and_timeline(
    support, flagged_report, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        listing = support.get(reverse("admin:feedback_report_changelist"))
    assert listing.status_code == 200 and listing.context["cl"].result_count == 1
    page = support.get(reverse("admin:feedback_report_change", args=[flagged_report.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "06 12 34 56 78" in content  # support sees the original
    assert "[☎ •••]" in content
    assert "field-conversation" in content and "field-timeline" in content
    services.report_dismiss(report=flagged_report, by=support.user)
    listing = support.get(reverse("admin:feedback_report_changelist"))
    assert listing.context["cl"].result_count == 0  # the queue holds open reports only
    everything = support.get(reverse("admin:feedback_report_changelist"), {"queue": "all"})
    assert everything.context["cl"].result_count == 1


def test_blacklist_action_asks_a_reason_then_cancels(
    support, flagged_report, booking, django_capture_on_commit_callbacks
):
    url = reverse("admin:feedback_report_changelist")
    selection = {"action": "blacklist_customer", ACTION_CHECKBOX_NAME: [flagged_report.pk]}
    assert b'name="reason"' in support.post(url, selection).content
    response = support.post(url, {**selection, "apply": "1", "reason": ""})
    assert response.status_code == 200  # a reason is required: nothing written
    flagged_report.refresh_from_db()
    assert flagged_report.is_open
    with django_capture_on_commit_callbacks(execute=True):
        response = support.post(url, {**selection, "apply": "1", "reason": "Contournement"})
    assert response.status_code == 302
    flagged_report.refresh_from_db()
    assert flagged_report.status == "blacklisted" and flagged_report.handled_by == support.user
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_warn_action_sends_supports_words(support, flagged_report):
    url = reverse("admin:feedback_report_changelist")
    selection = {"action": "warn", ACTION_CHECKBOX_NAME: [flagged_report.pk]}
    support.post(url, {**selection, "apply": "1", "reason": "Restez sur la plateforme."})
    warning = Notification.objects.get(kind="support_warning")
    assert warning.body == "Restez sur la plateforme."
    assert Report.objects.get().status == "warned"


def test_support_answers_and_closes_a_conversation_from_its_page(support, booking, customer):
    services.support_message_send(user=customer.user, body="Bonjour ?", booking_id=booking.pk)
    conversation = SupportConversation.objects.get()
    url = reverse("admin:feedback_supportconversation_change", args=[conversation.pk])
    page = support.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="answer"' in content and f"#{booking.pk}" in content  # bookings at hand
    response = support.post(url, {"answer": "Nous regardons.", "close": "on"})
    assert response.status_code == 302, response.content
    answer = SupportMessage.objects.get(from_support=True)
    assert answer.body == "Nous regardons." and answer.author == support.user
    conversation.refresh_from_db()
    assert conversation.status == "closed"
    assert Notification.objects.filter(user=customer.user, kind="support_answer").exists()
    queue = support.get(reverse("admin:feedback_supportconversation_changelist"))
    assert queue.context["cl"].result_count == 0


def test_support_hides_a_review_with_a_reason(support, booking_at, customer, clock):
    done = booking_at(at(-1, 10), status="completed")
    review = services.review_create(booking=done, customer=customer, rating=1, comment="Nulle")
    url = reverse("admin:feedback_review_changelist")
    selection = {"action": "hide", ACTION_CHECKBOX_NAME: [review.pk]}
    support.post(url, {**selection, "apply": "1", "reason": "Insultes"})
    review = Review.objects.get()
    assert (
        review.is_hidden and review.hidden_reason == "Insultes" and review.hidden_by == support.user
    )


def test_the_pros_page_shows_contact_flags_and_reports(support, booking, pro):
    for number in range(2):
        services.message_send(
            booking=booking, sender=pro.user, side="pro", body=f"Mon mail: sofia{number}@gmail.com"
        )
    page = support.get(reverse("admin:pros_pro_change", args=[pro.pk])).content.decode()
    assert 'class="conduct-flags">2<' in page
    assert "sofia0@gmail.com" in page
    assert support.get(reverse("admin:feedback_message_changelist")).status_code == 200
