"""When the customer changes the access details of a confirmed booking, the booked pro is told
that they changed (a notification, e-mailed: "Le client a mis à jour les informations
d'accès", linked to the booking's page), never what they say; nobody else is told, and nothing
is sent while the request is still open."""

import json

import pytest
from django.urls import reverse

from bookings import services
from notifications.models import Notification
from tests.bookings.helpers import at

pytestmark = pytest.mark.django_db

SECRET = "Digicode 4821B"
NEW_SECRET = "Code 9999, 2e étage"


@pytest.fixture
def three_pros(make_pro):
    return [make_pro() for _ in range(3)]


@pytest.fixture
def urgent(clock, book, three_pros):
    return book(at(0, 13), access_details=SECRET)


def _changed(pro_user):
    return Notification.objects.filter(user=pro_user, kind="access_details_changed")


def _post(api_client, customer, request_id, text):
    api_client.force_authenticate(customer.user)
    url = f"/api/v1/booking-requests/{request_id}/access-details"
    response = api_client.post(url, {"access_details": text}, format="json")
    assert response.status_code == 200, response.content
    return response


def test_the_booked_pro_is_told_they_changed_never_what_they_say(
    urgent, three_pros, api_client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    winner = three_pros[0]
    booking = services.proposal_accept(proposal=urgent.proposals.get(pro=winner), pro=winner)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(api_client, customer, urgent.pk, NEW_SECRET)

    [notice] = _changed(winner.user)
    assert notice.url == reverse("bookings:booking", args=[booking.pk])
    assert notice.data == {"booking": booking.pk, "request": urgent.pk}
    title, body = notice.rendered("fr")
    assert title == "Le client a mis à jour les informations d'accès"
    assert "fiche de la séance" in body
    for other in three_pros[1:]:
        assert not _changed(other.user).exists()
    sent = [message for message in mailoutbox if winner.user.email in message.to]
    assert sent, "the notification is e-mailed"
    everything = json.dumps(list(Notification.objects.values()), default=str) + "".join(
        f"{m.subject}{m.body}{m.alternatives}" for m in mailoutbox
    )
    assert "9999" not in everything and "4821B" not in everything

    _post(api_client, customer, urgent.pk, NEW_SECRET)  # the same text: nothing changed
    assert _changed(winner.user).count() == 1


def test_nobody_is_told_while_the_request_is_open(urgent, three_pros, api_client, customer):
    _post(api_client, customer, urgent.pk, NEW_SECRET)
    assert not Notification.objects.filter(kind="access_details_changed").exists()
