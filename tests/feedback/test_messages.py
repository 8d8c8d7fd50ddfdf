"""A booking's conversation: both sides through the API, masking and flags, limits, the
window from acceptance until 7 days after the session, read marks, notifications in the
recipient's language, isolation. Refusals write nothing."""

from datetime import timedelta

import pytest
from django.core import mail

from core.models import AuditEvent
from feedback.models import Message
from notifications.models import Notification
from tests.factories import ProFactory, booking_customer
from tests.feedback.helpers import NOW, api_for, at, error_code

pytestmark = pytest.mark.django_db


def customer_url(booking):
    return f"/api/v1/bookings/{booking.pk}/messages"


def pro_url(booking):
    return f"/api/v1/pro/bookings/{booking.pk}/messages"


@pytest.fixture
def customer_api(customer):
    return api_for(customer.user)


@pytest.fixture
def pro_api(pro):
    return api_for(pro.user)


def test_customer_and_pro_talk_newest_last_with_read_marks(
    booking, customer_api, pro_api, customer, pro, clock
):
    first = customer_api.post(customer_url(booking), {"body": "Bonjour, code 4589B"}, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["sender"] == "customer" and body["mine"] is True and body["masked"] == []
    assert body["body"] == "Bonjour, code 4589B" and body["read_at"] is None

    clock.shift(timedelta(minutes=1))
    answer = pro_api.post(pro_url(booking), {"body": "Je serai là à 10h."}, format="json")
    assert answer.status_code == 201

    page = pro_api.get(pro_url(booking)).json()
    assert page["count"] == 2 and set(page) >= {"count", "next", "previous", "results"}
    texts = [m["body"] for m in page["results"]]
    assert texts == ["Bonjour, code 4589B", "Je serai là à 10h."]  # newest last
    assert page["results"][0]["read_at"] is not None  # the pro opened the customer's message
    assert page["results"][1]["mine"] is True and page["results"][1]["read_at"] is None

    customer_page = customer_api.get(customer_url(booking)).json()
    assert [m["mine"] for m in customer_page["results"]] == [True, False]
    assert Message.objects.filter(read_at__isnull=True).count() == 0


def test_a_phone_number_is_masked_the_sender_sees_it_and_support_keeps_the_original(
    booking, pro_api, customer_api, pro
):
    response = pro_api.post(
        pro_url(booking), {"body": "Appelez-moi au 06 12 34 56 78 à 14h30"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["masked"] == ["phone"]
    assert body["body"] == "Appelez-moi au [☎ •••] à 14h30"

    message = Message.objects.get()
    assert message.is_flagged and message.original_body == "Appelez-moi au 06 12 34 56 78 à 14h30"
    flag = AuditEvent.objects.get(action="message.flagged")
    assert flag.data["pro"] == pro.pk and flag.data["masked"] == ["phone"]

    seen = customer_api.get(customer_url(booking)).json()["results"][0]
    assert "06 12" not in seen["body"] and "original" not in str(seen)
    notification = Notification.objects.get(user=booking.customer.user)
    assert "06 12" not in notification.body


def test_the_other_party_is_notified_in_their_language_once_per_burst(
    booking, customer_api, pro_api, pro, customer, django_capture_on_commit_callbacks
):
    pro.user.language = "en"
    pro.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        customer_api.post(customer_url(booking), {"body": "Bonjour !"}, format="json")
        customer_api.post(
            customer_url(booking), {"body": "Vous avez un aspirateur ?"}, format="json"
        )
    notifications = Notification.objects.filter(user=pro.user, kind="message_new")
    assert notifications.count() == 1  # the second message joins the unread one
    notification = notifications.get()
    assert notification.rendered_for_reader().title.startswith("New message from Camille")
    assert booking.service.name_en in notification.rendered_for_reader().title
    assert notification.url == f"/pro/bookings/{booking.pk}"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [pro.user.email]

    pro_api.get(pro_url(booking))  # opening the thread reads the notification too
    notification.refresh_from_db()
    assert notification.read_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        customer_api.post(customer_url(booking), {"body": "Merci"}, format="json")
    assert Notification.objects.filter(user=pro.user, kind="message_new").count() == 2

    customer.user.language = "fr"
    customer.user.save(update_fields=["language"])
    pro_api.post(pro_url(booking), {"body": "Oui"}, format="json")
    to_customer = Notification.objects.get(user=customer.user, kind="message_new")
    # (the wording is translated once the lead compiles the catalogues; the service's own
    # name is already in the recipient's language)
    assert "Sofia" in to_customer.title and booking.service.name_fr in to_customer.title
    assert to_customer.url == "" and to_customer.body == "Oui"


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 2001, 5, None, ["a"]])
def test_empty_oversized_or_non_text_messages_are_400(booking, customer_api, body):
    response = customer_api.post(customer_url(booking), {"body": body}, format="json")
    assert response.status_code == 400, response.content
    assert error_code(response) == "invalid" and "body" in response.json()["error"]["fields"]
    assert not Message.objects.exists()


def test_2000_characters_are_accepted(booking, customer_api):
    response = customer_api.post(customer_url(booking), {"body": "é" * 2000}, format="json")
    assert response.status_code == 201


def test_someone_elses_booking_is_404_on_both_sides(booking, clock):
    other_customer, _address = booking_customer()
    other_pro = ProFactory(bare_active=True)
    for client, url in (
        (api_for(other_customer.user), customer_url(booking)),
        (api_for(other_pro.user), pro_url(booking)),
    ):
        assert client.get(url).status_code == 404
        response = client.post(url, {"body": "Bonjour"}, format="json")
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert api_for(booking.pro.user).get(customer_url(booking)).status_code == 403  # no customer
    assert api_for(booking.customer.user).get(pro_url(booking)).status_code == 403  # not a pro
    assert not Message.objects.exists()


def test_the_conversation_is_read_only_7_days_after_the_session(
    booking_at, customer_api, pro_api, clock
):
    booking = booking_at(at(1, 10), status="completed")  # ends at 12:00 Paris tomorrow
    clock.move_to(at(8, 11, 59))
    assert (
        customer_api.post(customer_url(booking), {"body": "Merci !"}, format="json").status_code
        == 201
    )
    clock.move_to(at(8, 12))
    response = pro_api.post(pro_url(booking), {"body": "Merci à vous"}, format="json")
    assert response.status_code == 409 and error_code(response) == "conversation_closed"
    assert pro_api.get(pro_url(booking)).json()["count"] == 1  # still readable


def test_a_cancelled_booking_is_read_only(booking_at, customer_api, clock):
    booking = booking_at(at(2, 10), status="cancelled")
    response = customer_api.post(customer_url(booking), {"body": "Dommage"}, format="json")
    assert response.status_code == 409 and error_code(response) == "conversation_closed"


def test_a_blacklisted_customer_cannot_write_and_the_pro_sees_a_closed_thread(
    booking, customer, customer_api, pro_api
):
    customer.is_blacklisted = True
    customer.save(update_fields=["is_blacklisted"])
    response = customer_api.post(customer_url(booking), {"body": "Bonjour"}, format="json")
    assert response.status_code == 403 and error_code(response) == "customer_blacklisted"
    response = pro_api.post(pro_url(booking), {"body": "Bonjour"}, format="json")
    assert response.status_code == 409 and error_code(response) == "conversation_closed"
    assert not Message.objects.exists()


def test_a_sender_is_rate_limited_with_retry_after(booking, customer_api, pro_api, clock):
    for number in range(10):
        response = customer_api.post(customer_url(booking), {"body": f"n°{number}"}, format="json")
        assert response.status_code == 201
    response = customer_api.post(customer_url(booking), {"body": "encore"}, format="json")
    assert response.status_code == 429 and error_code(response) == "too_many_messages"
    assert response["Retry-After"] == "60"
    # Per sender: the pro still writes.
    assert pro_api.post(pro_url(booking), {"body": "Oui ?"}, format="json").status_code == 201
    clock.shift(timedelta(minutes=1))
    assert (
        customer_api.post(customer_url(booking), {"body": "ok"}, format="json").status_code == 201
    )
    assert Message.objects.filter(sender_side="customer").count() == 11


def test_the_hourly_limit_counts_across_conversations(booking_at, customer_api, clock):
    first, second = booking_at(at(1, 10)), booking_at(at(2, 10))
    for number in range(60):
        target = first if number % 2 else second
        assert (
            customer_api.post(customer_url(target), {"body": "x"}, format="json").status_code == 201
        )
        clock.shift(timedelta(seconds=50))
    response = customer_api.post(customer_url(first), {"body": "x"}, format="json")
    assert response.status_code == 429 and response["Retry-After"] == "3600"


def test_the_thread_list_is_paginated(booking, customer_api, pro_api, clock):
    for number in range(25):
        customer_api.post(customer_url(booking), {"body": f"m{number}"}, format="json")
        clock.shift(timedelta(minutes=1))
    page = pro_api.get(pro_url(booking)).json()
    assert page["count"] == 25 and len(page["results"]) == 20 and page["next"]
    last = pro_api.get(pro_url(booking) + "?page=last").json()
    assert [m["body"] for m in last["results"]] == ["m20", "m21", "m22", "m23", "m24"]
    assert pro_api.get(pro_url(booking) + "?page=0").status_code == 400


def test_a_conversation_opens_with_the_booking(booking_at, customer_api, clock):
    """Acceptance creates the booking: from then on, even long before the session."""
    far = booking_at(NOW + timedelta(days=60))
    assert (
        customer_api.post(customer_url(far), {"body": "Bonjour"}, format="json").status_code == 201
    )
