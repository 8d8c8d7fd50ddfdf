import pytest

from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_list_and_mark_read(api_client, django_assert_max_num_queries):
    me, other = UserFactory(), UserFactory()
    mine = [
        notify(user=me, kind="test_text", params={"title": f"n{i}"}, email=False) for i in range(3)
    ]
    notify(user=other, kind="test_text", params={"title": "not mine"}, email=False)
    api_client.force_authenticate(me)

    with django_assert_max_num_queries(3):
        body = api_client.get("/api/v1/notifications").json()
    assert body["count"] == 3 and all(row["is_read"] is False for row in body["results"])
    assert api_client.get("/api/v1/notifications/unread-count").json() == {"unread": 3}

    response = api_client.post(f"/api/v1/notifications/{mine[0].pk}/read")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert api_client.get("/api/v1/notifications", {"unread": "1"}).json()["count"] == 2
    other_one = other.notifications.get()
    assert api_client.post(f"/api/v1/notifications/{other_one.pk}/read").status_code == 404

    assert api_client.post("/api/v1/notifications/read-all").json()["marked"] == 2
    assert api_client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    other_one.refresh_from_db()
    assert other_one.read_at is None


def test_needs_authentication(api_client):
    response = api_client.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
