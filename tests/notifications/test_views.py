"""Notifications in the pro web UI: the header bell (polled) and the list page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import notify
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pro(db):
    return ProFactory()


@pytest.fixture
def client(pro):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(pro.user)
    return client


def make(user, n=1, url="/pro/", **kwargs):
    return [
        notify(
            user=user,
            kind="test_text",
            params={"title": f"New proposal {i}"},
            url=url,
            email=False,
            **kwargs,
        )
        for i in range(n)
    ]


def test_bell_in_the_header_of_pro_pages_shows_the_unread_count(client, pro):
    make(pro.user, 3)
    Notification.objects.filter(pk=make(pro.user)[0].pk).update(read_at="2026-01-01T00:00Z")
    for url in ("/pro/", "/pro/settings"):
        html = client.get(url).content.decode()
        assert 'id="bell"' in html
        assert '<span class="bell-count">3</span>' in html
        assert 'hx-get="/pro/notifications/bell"' in html


def test_bell_fragment_is_cheap(client, pro):
    make(pro.user, 30)
    client.get("/pro/notifications/bell", headers=HTMX)  # first request records the language
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pro/notifications/bell", headers=HTMX)
    assert '<span class="bell-count">30</span>' in response.content.decode()
    assert len(queries) <= 3  # session, user, count


def test_bell_without_unread_has_no_badge(client):
    assert "bell-count" not in client.get("/pro/notifications/bell", headers=HTMX).content.decode()


def test_bell_stops_polling_when_signed_out(db):
    assert Client().get("/pro/notifications/bell", headers=HTMX).status_code == 286


def test_list_shows_own_notifications_newest_first(client, pro):
    first, second = make(pro.user, 2)
    other = ProFactory()
    notify(user=other.user, kind="test_text", params={"title": "Someone else's"}, email=False)
    html = client.get("/pro/notifications").content.decode()
    assert html.index("New proposal 1") < html.index("New proposal 0")
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html
    assert html.count("is-unread") == 2


def test_opening_marks_read_and_goes_to_the_page(client, pro):
    (notification,) = make(pro.user, url="/pro/agenda")
    response = client.post(f"/pro/notifications/{notification.pk}/open")
    assert response.status_code == 302 and response.url == "/pro/agenda"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_never_redirects_off_site(client, pro):
    (notification,) = make(pro.user, url="https://evil.example.com/")
    response = client.post(f"/pro/notifications/{notification.pk}/open")
    assert response.url == "/pro/notifications"


def test_someone_elses_notification_is_not_found(client):
    (theirs,) = make(ProFactory().user)
    assert client.post(f"/pro/notifications/{theirs.pk}/open").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, pro):
    make(pro.user, 3)
    (theirs,) = make(ProFactory().user)
    response = client.post("/pro/notifications/read-all")
    assert response.status_code == 302
    assert not Notification.objects.filter(user=pro.user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_actions_need_post(client, pro):
    (notification,) = make(pro.user)
    assert client.get(f"/pro/notifications/{notification.pk}/open").status_code == 405
    assert client.get("/pro/notifications/read-all").status_code == 405


def test_list_is_paginated(client, pro):
    make(pro.user, 35)
    html = client.get("/pro/notifications").content.decode()
    assert html.count('<button type="submit" class="notification') == 30
    assert "?page=2" in html


def test_list_needs_login(db):
    response = Client().get("/pro/notifications")
    assert response.status_code == 302 and "/pro/login" in response.url
