"""The dashboard's live stream under a real ASGI server (uvicorn): a notification committed for
a pro reaches their open stream at once as an event with its id; a reconnecting page gets
what it missed from the database; heartbeats; the stream ends by itself; a signed-out user,
a WSGI server or a Redis outage get no stream (the page polls)."""

import http.client
import json
import time
import uuid

import pytest
from django.db import transaction
from django.test import Client

from notifications import live
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.asgi_server import AsgiServer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _own_channels(settings):
    """Tests of other checkouts share this Redis: channels of our own."""
    settings.LIVE_CHANNEL_PREFIX = f"test-live-{uuid.uuid4().hex}"


@pytest.fixture
def server():
    with AsgiServer() as running:
        yield running


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


class EventStream:
    """A minimal EventSource: reads the stream's events (and comments) as they come."""

    def __init__(self, server, *, cookie="", last_event_id=None, timeout=5.0):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        headers = {"Accept": "text/event-stream", "Cookie": cookie}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", "/pro/live", headers=headers)
        self.response = self.connection.getresponse()
        self.buffer = ""

    def next_block(self) -> str:
        while "\n\n" not in self.buffer:
            chunk = self.response.read1(4096)
            if not chunk:
                raise EOFError("stream ended")
            self.buffer += chunk.decode()
        block, self.buffer = self.buffer.split("\n\n", 1)
        return block

    def next_event(self) -> dict:
        while True:
            fields = {}
            for line in self.next_block().splitlines():
                if line.startswith(":"):
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value
            if "data" in fields:
                return fields

    def close(self):
        self.connection.close()


def test_a_committed_notification_reaches_the_open_stream_at_once(server):
    pro_user, someone_else = UserFactory(), UserFactory()
    stream = EventStream(server, cookie=_session_cookie(pro_user))
    assert stream.response.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    assert stream.response.getheader("Cache-Control") == "no-cache"
    assert stream.next_block().startswith("retry: 3000")

    notify(user=someone_else, kind="test_text", params={"title": "Not for this stream"})
    with transaction.atomic():
        mine = notify(
            user=pro_user,
            kind="proposal_new",
            params={"title": "New"},
            data={"proposal": 7, "request": 3},
        )
        committed = time.monotonic()
    event = stream.next_event()
    received = time.monotonic()
    stream.close()

    assert event["event"] == "notification"
    assert event["id"] == str(mine.pk)
    assert json.loads(event["data"]) == {
        "id": mine.pk,
        "kind": "proposal_new",
        "data": {"proposal": 7, "request": 3},
    }
    assert received - committed < 1.0


def test_a_reconnecting_page_gets_what_it_missed(server):
    user = UserFactory()
    seen = notify(user=user, kind="proposal_new", params={"title": "Seen"})
    missed = [
        notify(user=user, kind="proposal_taken", params={"title": f"Missed {n}"}) for n in range(2)
    ]
    notify(user=UserFactory(), kind="test_text", params={"title": "Someone else's"})

    stream = EventStream(server, cookie=_session_cookie(user), last_event_id=seen.pk)
    ids = [int(stream.next_event()["id"]) for _ in missed]
    stream.close()
    assert ids == [notification.pk for notification in missed]


def test_heartbeats_keep_the_stream_open_and_it_ends_by_itself(server, settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    settings.LIVE_STREAM_SECONDS = 1.0
    stream = EventStream(server, cookie=_session_cookie(UserFactory()))
    blocks = []
    started = time.monotonic()
    with pytest.raises(EOFError):
        while True:
            blocks.append(stream.next_block())
    assert ": ping" in blocks
    assert 0.9 < time.monotonic() - started < 3


def test_signed_out_no_stream(server):
    stream = EventStream(server)
    assert stream.response.status == 204


def test_a_wsgi_server_never_holds_a_stream(client):
    client.force_login(UserFactory())
    assert client.get("/pro/live").status_code == 204


def test_without_redis_the_stream_is_refused_and_publishing_is_harmless(server, settings):
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    live._publisher.cache_clear()
    try:
        user = UserFactory()
        notify(user=user, kind="proposal_new", params={"title": "Still recorded"})
        assert Notification.objects.filter(user=user).count() == 1
        stream = EventStream(server, cookie=_session_cookie(user))
        assert stream.response.status == 503
    finally:
        live._publisher.cache_clear()
