"""A notification is stored as its kind and parameters and rendered when shown, in the reader's
language of that moment: switching language re-renders old notifications everywhere (list page,
API, push payload, e-mail)."""

from datetime import datetime, timedelta
from datetime import time as dtime

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from bookings import services, tasks
from catalog.models import Service
from core import clock, datefmt
from notifications import emails, kinds, push
from notifications.api import NotificationOutSerializer
from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import notify
from tests.factories import UserFactory, booking_customer, dispatchable_pro

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_notification():
    """A pro who speaks French receives a proposal (its notification recorded then)."""
    menage = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[menage])
    customer, address = booking_customer()
    start = datetime.combine(clock.today() + timedelta(days=3), dtime(10), tzinfo=clock.PARIS)
    request = services.booking_request_create(
        customer=customer, service=menage, address=address, start=start
    )
    tasks.dispatch_request(request.pk)
    notification = Notification.objects.get(user=pro.user, kind="proposal_new")
    return pro, request, notification


def test_only_the_kind_and_plain_parameters_are_stored(proposal_notification):
    pro, request, notification = proposal_notification
    params = notification.params
    assert params["service"] == {"fr": "Ménage à domicile, 2 h", "en": "Home cleaning, 2 h"}
    assert kinds.moment(params["start"]) == request.start
    assert params["net_cents"] == request.pro_net_cents
    assert set(params) == {"service", "start", "net_cents", "expires"}
    assert not {"title", "body"} & {field.name for field in Notification._meta.get_fields()}


def test_switching_language_re_renders_an_old_notification_everywhere(proposal_notification):
    pro, request, notification = proposal_notification
    client = Client()
    client.force_login(pro.user)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/pro/"})
    french = client.get("/pro/notifications").content.decode()
    assert "Nouvelle proposition : Ménage à domicile, 2 h" in french
    assert datefmt.short_when(request.start, "fr") in french  # "jeu. 3 déc. 10:00", Paris time

    client.post("/i18n/setlang/", {"language": "en", "next": "/pro/"})
    client.get("/pro/")  # the pro's language is remembered
    pro.user.refresh_from_db()
    assert pro.user.language == "en"
    english = client.get("/pro/notifications").content.decode()
    title = f"New proposal: Home cleaning, 2 h on {datefmt.short_when(request.start, 'en')}"
    assert title in english and "Nouvelle proposition" not in english

    # The push payload and the e-mail, built later, follow the language the pro uses now.
    stored = Notification.objects.select_related("user").get(pk=notification.pk)
    payload = push.payload_of(stored)
    assert payload["title"] == title and payload["body"].startswith("Net amount for you")
    mail.outbox.clear()
    assert emails.send_notification_emails([notification.pk]) == 1
    assert mail.outbox[0].subject == title
    # The API renders in the request's language.
    with translation.override("en"):
        row = NotificationOutSerializer(notifications_for(pro.user).get(pk=notification.pk)).data
    assert row["title"] == title and row["kind"] == "proposal_new"


def test_rows_recorded_as_text_keep_their_text():
    user = UserFactory()
    legacy = Notification.objects.create(
        user=user,
        kind="proposal_new",
        params={"legacy": {"title": "Nouvelle proposition : Ménage", "body": "Répondez vite."}},
    )
    for language in ("fr", "en"):
        assert legacy.rendered(language) == ("Nouvelle proposition : Ménage", "Répondez vite.")


def test_an_unknown_kind_or_broken_parameters_never_break_the_list(client):
    user = UserFactory()
    Notification.objects.create(user=user, kind="gone_kind", params={"x": 1})
    Notification.objects.create(user=user, kind="payout_held", params={"amount_cents": "oops"})
    client.force_login(user)
    response = client.get("/pro/notifications")
    assert response.status_code == 200
    assert response.content.decode().count('class="notification-title"') == 2


def test_parameters_must_be_plain_json_and_the_kind_known():
    user = UserFactory()
    with pytest.raises(ValueError, match="plain JSON"):
        notify(user=user, kind="test_text", params={"when": clock.now()})
    with pytest.raises(ValueError, match="no renderer"):
        notify(user=user, kind="no_such_kind", params={})
    assert not Notification.objects.filter(user=user).exists()
