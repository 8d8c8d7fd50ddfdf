"""The dashboard's live stream under a real ASGI server (uvicorn): a notification committed for
a pro reaches their open stream at once as an event with its id; a reconnecting page gets
what it missed from the database; heartbeats; the stream ends by itself; a signed-out,
inactive or non-pro user, a WSGI server or a Redis outage get no stream (the page polls);
open streams hold no thread of the server, and a closed one stops listening."""

import http.client
import json
import threading
import time
import uuid

import pytest
from django.db import transaction
from django.test import Client

from notifications import live
from notifications.models import Notification
from notifications.services import notify
from tests.factories import ProFactory, UserFactory
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


def _pro_user():
    return ProFactory(bare_active=True).user


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
    pro_user, someone_else = _pro_user(), UserFactory()
    stream = EventStream(server, cookie=_session_cookie(pro_user))
    assert stream.response.status == 200
    assert stream.response.getheader("Content-Type") == "text/event-stream"
    assert stream.response.getheader("Cache-Control") == "no-cache"
    assert stream.response.getheader("X-Accel-Buffering") == "no"
    assert stream.response.getheader("X-Content-Type-Options") == "nosniff"
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
    user = _pro_user()
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
    stream = EventStream(server, cookie=_session_cookie(_pro_user()))
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
    assert stream.response.getheader("X-Content-Type-Options") == "nosniff"


def test_no_stream_for_an_inactive_user_or_a_customer(server):
    inactive = _pro_user()
    cookie = _session_cookie(inactive)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert EventStream(server, cookie=cookie).response.status == 204
    customer = UserFactory()  # signed in, no pro profile
    assert EventStream(server, cookie=_session_cookie(customer)).response.status == 204
    assert EventStream(server, cookie="sessionid=not-a-session").response.status == 204


def test_open_streams_hold_no_thread_and_a_closed_one_stops_listening(server):
    """The server runs in this process (uvicorn in a thread): its threads are ours to count."""
    users = [_pro_user() for _ in range(3)]
    cookies = [_session_cookie(user) for user in users]
    EventStream(server, cookie=cookies[0]).close()  # the pooled threads exist from now on
    time.sleep(0.3)
    threads = threading.active_count()
    streams = [EventStream(server, cookie=cookie) for cookie in cookies * 5]  # 15 streams
    for stream in streams:
        assert stream.next_block().startswith("retry:")
    time.sleep(0.3)
    assert threading.active_count() <= threads + 2  # not one per stream
    channels = {live.channel_for(user.pk) for user in users}
    [hub] = [hub for hub in live._hubs.values() if channels <= set(hub._listeners)]
    for stream in streams:
        stream.close()
    deadline = time.monotonic() + 5
    while hub._listeners and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hub._listeners == {}


def test_a_wsgi_server_never_holds_a_stream(client):
    client.force_login(_pro_user())
    assert client.get("/pro/live").status_code == 204


def test_without_redis_the_stream_is_refused_and_publishing_is_harmless(server, settings):
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    live._publisher.cache_clear()
    try:
        user = _pro_user()
        notify(user=user, kind="proposal_new", params={"title": "Still recorded"})
        assert Notification.objects.filter(user=user).count() == 1
        stream = EventStream(server, cookie=_session_cookie(user))
        assert stream.response.status == 503
    finally:
        live._publisher.cache_clear()
