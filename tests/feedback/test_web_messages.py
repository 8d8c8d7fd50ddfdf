"""Pro web UI of a booking's conversation: the panel on the booking page, the polled list
(htmx, marks read), sending with htmx and with a plain post, the masked notice, the unread
badge in the agenda and the bell, isolation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import services
from feedback.models import Message
from notifications.models import Notification
from tests.factories import ProFactory
from tests.feedback.helpers import HTMX, at, web_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(pro):
    return web_for(pro.user)


def customer_writes(booking, body):
    return services.message_send(
        booking=booking, sender=booking.customer.user, side="customer", body=body
    )


def test_the_booking_page_shows_the_conversation_and_its_links(booking, web):
    customer_writes(booking, "Bonjour, la porte est au fond de la cour.")
    page = web.get(f"/pro/bookings/{booking.pk}").content.decode()
    assert 'id="messages-panel"' in page
    assert "la porte est au fond de la cour" in page
    assert f'hx-get="/pro/bookings/{booking.pk}/messages"' in page
    assert "load, every 5s" in page
    assert f"/pro/reports/new?kind=customer_behaviour&amp;id={booking.pk}" in page
    assert f"/pro/support?booking={booking.pk}" in page
    message = Message.objects.get()
    assert f"/pro/reports/new?kind=message&amp;id={message.pk}" in page
    assert message.read_at is None  # rendering the page reads nothing: the first poll does


def test_the_polled_list_marks_the_customers_messages_read(booking, web):
    customer_writes(booking, "Vous venez à quelle heure ?")
    response = web.get(f"/pro/bookings/{booking.pk}/messages", headers=HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div class="chat-list"')
    assert "every 5s" in fragment and "load," not in fragment
    assert Message.objects.get().read_at is not None


def test_sending_with_htmx_masks_and_says_so(booking, web):
    response = web.post(
        f"/pro/bookings/{booking.pk}/messages/send",
        {"body": "Mon numéro : 06 12 34 56 78, à 14h30"},
        headers=HTMX,
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="messages-panel"' in fragment
    assert "[☎ •••]" in fragment and "06 12 34" not in fragment
    assert "phone number" in fragment  # the sender sees what was hidden
    assert "chat-notice" in fragment
    message = Message.objects.get()
    assert message.sender_side == "pro" and message.is_flagged


def test_sending_with_a_plain_post_redirects_to_the_booking(booking, web):
    response = web.post(f"/pro/bookings/{booking.pk}/messages/send", {"body": "J'arrive"})
    assert response.status_code == 302 and response["Location"] == f"/pro/bookings/{booking.pk}"
    assert Message.objects.get().body == "J'arrive"


def test_an_empty_message_shows_the_error_and_writes_nothing(booking, web):
    response = web.post(f"/pro/bookings/{booking.pk}/messages/send", {"body": "   "}, headers=HTMX)
    assert response.status_code == 400
    assert "error-text" in response.content.decode()
    assert not Message.objects.exists()


def test_a_closed_conversation_has_no_form_and_no_polling(booking_at, pro, clock):
    booking = booking_at(at(-10, 10), status="completed")
    page = web_for(pro.user).get(f"/pro/bookings/{booking.pk}").content.decode()
    assert "chat-closed" in page and 'class="chat-form"' not in page
    assert f'hx-get="/pro/bookings/{booking.pk}/messages"' not in page  # no polling
    response = web_for(pro.user).post(
        f"/pro/bookings/{booking.pk}/messages/send", {"body": "Merci"}, headers=HTMX
    )
    assert response.status_code == 400 and "chat-closed" in response.content.decode()
    assert not Message.objects.exists()


def test_another_pros_booking_is_404(booking, clock):
    other = web_for(ProFactory(bare_active=True).user)
    assert other.get(f"/pro/bookings/{booking.pk}/messages", headers=HTMX).status_code == 404
    assert other.post(f"/pro/bookings/{booking.pk}/messages/send", {"body": "x"}).status_code == 404
    assert not Message.objects.exists()


def test_an_expired_session_stops_the_polling(booking, client):
    response = client.get(f"/pro/bookings/{booking.pk}/messages", headers=HTMX)
    assert response.status_code == 286 and response["HX-Redirect"] == "/pro/login"


def test_the_agenda_shows_unread_badges_in_one_query(booking_at, web, clock):
    bookings = [booking_at(at(day, 10)) for day in (1, 2, 3)]
    customer_writes(bookings[0], "Bonjour")
    customer_writes(bookings[0], "Vous êtes là ?")
    customer_writes(bookings[2], "Merci")
    page = web.get("/pro/agenda").content.decode()
    assert page.count("badge-unread") == 2
    assert "✉ 2" in page and "✉ 1" in page
    with CaptureQueriesContext(connection) as queries:
        web.get("/pro/agenda")
    feedback_queries = [q for q in queries if "feedback_message" in q["sql"]]
    assert len(feedback_queries) == 1


def test_a_message_shows_in_the_bell(booking, web):
    # The pro's earlier news (their ID verified) is read: only the message counts here.
    Notification.objects.filter(user=booking.pro.user).update(read_at=booking.created_at)
    customer_writes(booking, "Bonjour")
    bell = web.get("/pro/notifications/bell", headers=HTMX)
    assert "bell-count" in bell.content.decode()
    web.get(f"/pro/bookings/{booking.pk}/messages", headers=HTMX)  # opened
    assert "bell-count" not in web.get("/pro/notifications/bell", headers=HTMX).content.decode()


def test_the_thread_fragment_costs_a_few_queries_whatever_its_length(booking, web, clock):
    for number in range(30):
        customer_writes(booking, f"message {number}")
        clock.shift(timedelta(minutes=2))
    with CaptureQueriesContext(connection) as queries:
        web.get(f"/pro/bookings/{booking.pk}/messages", headers=HTMX)
    assert len(queries) <= 10
