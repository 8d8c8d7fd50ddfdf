"""Support's "today" page in the admin: the day's figures, each linking to an admin list that
opens (a lookup the admin refused would redirect with ?e=1), for the Support role only."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission

from bookings.models import BookingRequest
from catalog.models import Service
from core import clock, metrics
from tests.factories import UserFactory, booking_customer, booking_request_row
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db

URL = "/admin/ops/today/"


@pytest.fixture
def support(client):
    user = UserFactory(is_staff=True)
    user.groups.add(ensure_support_group())
    client.force_login(user)
    return user


def _figures(html: str) -> dict[str, tuple[str, str]]:
    """{label: (value, link)} of the page's rows."""
    rows = re.findall(
        r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td class="ops-value">'
        r'(?:<a href="[^"]+">)?([^<]*)',
        html,
    )
    return {label: (value.strip(), link.replace("&amp;", "&")) for link, label, value in rows}


def test_support_sees_the_day_and_every_link_opens_its_admin_list(
    client, support, django_capture_on_commit_callbacks
):
    service = Service.objects.get(slug="menage-2h")
    customer, address = booking_customer()
    now = clock.now()
    flagged = booking_request_row(
        customer=customer, address=address, service=service, start=now + timedelta(days=2)
    )
    BookingRequest.objects.filter(pk=flagged.pk).update(flagged_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        metrics.request_created(flagged)
        metrics.dispatch_step(sent=2, expired=1)

    response = client.get(URL)
    assert response.status_code == 200
    figures = _figures(response.content.decode())
    assert figures["Demandes créées"][0] == "1"
    assert figures["Propositions envoyées"][0] == "2"
    assert figures["Propositions expirées"][0] == "1"
    assert figures["Demandes signalées"][0] == "1"
    assert len(figures) >= 15
    for label, (_value, link) in figures.items():
        opened = client.get(link)
        assert opened.status_code == 200, (label, link, opened.status_code)
    created = client.get(figures["Demandes créées"][1])
    assert created.context["cl"].result_count == 1


def test_the_admin_index_links_to_it(client, support):
    assert URL in client.get("/admin/").content.decode()


def test_staff_without_the_permission_is_refused(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_bookingrequest"))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert URL not in client.get("/admin/").content.decode()


def test_anonymous_goes_to_the_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_page_still_opens_with_redis_down(client, support, settings):
    settings.METRICS_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(URL)
    assert response.status_code == 200
    assert "Compteurs indisponibles" in response.content.decode()
