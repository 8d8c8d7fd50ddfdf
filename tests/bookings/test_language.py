"""Messages go out in the language their recipient uses, not always the default one."""

from datetime import timedelta

import pytest

from tests.bookings.helpers import NOW
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db


def test_web_ui_remembers_the_language_a_pro_uses(client):
    pro = ProFactory(active=True)
    client.force_login(pro.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/pro/"})
    client.get("/pro/")
    pro.user.refresh_from_db()
    assert pro.user.language == "en"


def test_api_language_is_explicit(api_client):
    response = api_client.post(
        "/api/v1/auth/register",
        {
            "email": "anna@example.com",
            "password": "a-long-passphrase-42",
            "first_name": "Anna",
            "last_name": "Smith",
            "phone": "+33612345678",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201, response.content
    assert response.json()["user"]["language"] == "en"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert (
        api_client.patch("/api/v1/me", {"language": "fr"}, format="json").json()["language"] == "fr"
    )
    refused = api_client.patch("/api/v1/me", {"language": "de"}, format="json")
    assert refused.status_code == 400 and "language" in refused.json()["error"]["fields"]


def test_a_new_proposal_is_notified_in_each_pros_language(clock, book, make_pro):
    english, french = make_pro(score=90), make_pro(score=80)
    type(english.user).objects.filter(pk=english.user.pk).update(language="en")
    english.user.refresh_from_db()
    book(NOW + timedelta(hours=10))  # 6-24 h ahead: two pros at once
    english_title = english.user.notifications.get(kind="proposal_new").rendered_for_reader().title
    french_title = french.user.notifications.get(kind="proposal_new").rendered_for_reader().title
    assert english_title.startswith("New proposal: Home cleaning, 2 h")
    assert french_title.startswith("Nouvelle proposition") and "Ménage" in french_title
