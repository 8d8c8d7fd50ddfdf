import pytest

from tests.factories import ProFactory

pytestmark = pytest.mark.django_db


def test_personal_link_page_shows_the_pro_once_a_session_is_completed(client, api_client):
    pro = ProFactory(active=True)
    assert client.get(f"/book/{pro.slug}").status_code == 404
    assert api_client.get(f"/api/v1/pros/by-link/{pro.slug}").status_code in (401, 404)

    pro.completed_sessions_count = 1
    pro.save(update_fields=["completed_sessions_count"])
    response = client.get(f"/book/{pro.slug}")
    assert response.status_code == 200
    assert pro.user.first_name in response.content.decode()
    assert pro.user.last_name not in response.content.decode()  # first name only in public


def test_suspended_pro_link_is_dead(client):
    pro = ProFactory(active=True)
    pro.completed_sessions_count = 3
    pro.status = "suspended"
    pro.save(update_fields=["completed_sessions_count", "status"])
    assert client.get(f"/book/{pro.slug}").status_code == 404
