"""Contact with support: customers (API) and pros (web) write, optionally about one of their
bookings; support answers in the admin; the answer reaches the person in the app and by
e-mail; support closes, writing again reopens; all audited."""

import pytest
from django.core import mail

from core.models import AuditEvent
from feedback import services
from feedback.models import SupportConversation, SupportMessage
from notifications.models import Notification
from tests.factories import ProFactory, booking_customer
from tests.feedback.helpers import api_for, error_code, web_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/support/messages"


def test_a_customer_writes_about_a_booking_and_reads_the_answer(
    booking, customer, admin_user, django_capture_on_commit_callbacks
):
    api = api_for(customer.user)
    response = api.post(
        URL, {"body": "Ma session est-elle confirmée ?", "booking": booking.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["booking"] == booking.pk and response.json()["from_support"] is False
    conversation = SupportConversation.objects.get(user=customer.user)
    assert conversation.status == "open"
    assert AuditEvent.objects.filter(action="support.opened").count() == 1

    customer.user.language = "en"
    customer.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.support_answer(conversation=conversation, by=admin_user, body="Oui, demain 10h.")
    notification = Notification.objects.get(user=customer.user, kind="support_answer")
    assert notification.rendered_for_reader() == ("Support answered you", "Oui, demain 10h.")
    assert mail.outbox[-1].to == [customer.user.email]

    page = api.get(URL).json()
    assert [m["from_support"] for m in page["results"]] == [False, True]  # newest last
    assert SupportMessage.objects.get(from_support=True).read_at is not None  # read on opening
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_support_closes_and_writing_again_reopens(customer, admin_user):
    api = api_for(customer.user)
    api.post(URL, {"body": "Bonjour"}, format="json")
    conversation = SupportConversation.objects.get()
    services.support_close(conversation=conversation, by=admin_user)
    services.support_close(conversation=conversation, by=admin_user)  # idempotent
    conversation.refresh_from_db()
    assert conversation.status == "closed" and conversation.closed_by == admin_user
    api.post(URL, {"body": "Encore une question"}, format="json")
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.closed_at is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="support.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["support.closed", "support.opened", "support.reopened"]


def test_bad_input_is_400_and_writes_nothing(customer, booking):
    api = api_for(customer.user)
    for body in ({"body": ""}, {"body": "x" * 2001}, {"body": 3}, {"body": "ok", "booking": "x"}):
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, body
    stranger, _address = booking_customer()
    response = api_for(stranger.user).post(URL, {"body": "?", "booking": booking.pk}, format="json")
    assert response.status_code == 400 and "booking" in response.json()["error"]["fields"]
    assert not SupportMessage.objects.exists()


def test_support_messages_are_rate_limited(customer):
    api = api_for(customer.user)
    for number in range(5):
        assert api.post(URL, {"body": f"{number}"}, format="json").status_code == 201
    response = api.post(URL, {"body": "encore"}, format="json")
    assert response.status_code == 429 and error_code(response) == "too_many_messages"


def test_anyone_signed_in_may_write_and_anonymous_may_not(api_client):
    pro = ProFactory(bare_active=True)
    assert (
        api_for(pro.user).post(URL, {"body": "Question de pro"}, format="json").status_code == 201
    )
    assert api_client.post(URL, {"body": "x"}, format="json").status_code == 401


# --- pro web ----------------------------------------------------------------------------------


def test_a_pro_contacts_support_from_a_booking_and_sees_the_answer(
    booking, pro, admin_user, django_capture_on_commit_callbacks
):
    web = web_for(pro.user)
    page = web.get(f"/pro/support?booking={booking.pk}")
    assert page.status_code == 200 and "About your session" in page.content.decode()
    response = web.post(
        "/pro/support", {"body": "Le client ne répond pas", "booking": str(booking.pk)}
    )
    assert response.status_code == 302
    message = SupportMessage.objects.get()
    assert message.booking == booking and message.author == pro.user

    with django_capture_on_commit_callbacks(execute=True):
        services.support_answer(
            conversation=message.conversation, by=admin_user, body="Nous l'appelons."
        )
    notification = Notification.objects.get(user=pro.user, kind="support_answer")
    assert notification.url == "/pro/support"
    settings_page = web.get("/pro/settings").content.decode()
    assert "1 new answer" in settings_page
    page = web.get("/pro/support").content.decode()
    assert "Nous l&#x27;appelons." in page and "Wecasa support" in page
    assert "new answer" not in web.get("/pro/settings").content.decode()


def test_a_pro_cannot_attach_someone_elses_booking(booking):
    web = web_for(ProFactory(bare_active=True).user)
    assert web.get(f"/pro/support?booking={booking.pk}").status_code == 404
    assert web.post("/pro/support", {"body": "x", "booking": str(booking.pk)}).status_code == 404
    assert web.post("/pro/support", {"body": "   "}).status_code == 400
    assert not SupportMessage.objects.exists()
