"""The dashboard's live stream: server-sent events from an async iterator (`events`). Each stream
listens to the signed-in user's channel (live.py) and sends `event: notification` with the
notification's id, kind and ids; a heartbeat comment keeps proxies from closing it;
`Last-Event-ID` replays what a reconnecting page missed, from the database.

Under ASGI, /pro/live is served by `LiveStreamApp`, a bare ASGI app that wecasa/asgi.py routes
to before Django: an open stream holds no thread and no database connection. It authenticates
from the session cookie in a pooled thread, borrowed and given back at once (the session and
user lookups; their connections are closed after), then streams on the event loop. Django's
own ASGI handler would keep a thread per open stream until the response ends (it runs each
request inside asgiref's ThreadSensitiveContext), which is why the stream does not go through it.

The Django view (`stream`, reached by the test client and WSGI servers such as runserver or a
sync gunicorn worker) answers 204 at once, which tells EventSource not to reconnect: nothing but
the ASGI app ever holds an open stream; the page polls.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.db import connections
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.views.decorators.http import require_GET

from core import metrics

from . import live
from .models import Notification

logger = logging.getLogger(__name__)

CATCH_UP_LIMIT = 50
RETRY_MILLISECONDS = 3000
# Sent with every answer of the stream: never cached nor buffered by a proxy, never sniffed.
STREAM_HEADERS = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",  # nginx: pass events on at once
    "X-Content-Type-Options": "nosniff",
    "Vary": "Cookie",
}


@require_GET
def stream(request):
    """Only the ASGI app streams (see the module's docstring): here, no stream, the page polls."""
    return HttpResponse(status=204)


# --- the stream ---------------------------------------------------------------------------------


def _message(event: dict) -> str:
    return f"id: {event['id']}\nevent: notification\ndata: {json.dumps(event)}\n\n"


def _in_pooled_thread(fn):
    """Run a sync database read in a thread borrowed from the pool (not one kept per stream)
    and give its connections back when done."""

    def closing(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(closing, thread_sensitive=False)


@_in_pooled_thread
def _missed(user_id: int, after: int) -> list[dict]:
    return [
        live.event_of(notification)
        for notification in Notification.objects.filter(user_id=user_id, pk__gt=after)
        .only("pk", "kind", "data")
        .order_by("pk")[:CATCH_UP_LIMIT]
    ]


async def listen(user_id: int) -> asyncio.Queue | None:
    """Subscribe to the user's channel (None without Redis: the stream is refused, 503)."""
    try:
        return await live.hub().listen(live.channel_for(user_id))
    except (redis.RedisError, OSError) as error:
        logger.warning("live stream unavailable (Redis: %s): the page polls", error)
        return None


async def events(user_id: int, after: int | None, queue: asyncio.Queue):
    """The stream's text, chunk by chunk, from a queue `listen` gave; it stops listening when
    it ends (after LIVE_STREAM_SECONDS, when the hub loses Redis, or closed by the caller)."""
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n"
        await _online(user_id)  # vital signs: pros online
        # Listening before reading the missed ones: nothing falls between the two.
        for event in await _missed(user_id, after) if after is not None else []:
            yield _message(event)
        loop = asyncio.get_running_loop()
        ends_at = loop.time() + settings.LIVE_STREAM_SECONDS
        while (left := ends_at - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(
                    queue.get(), timeout=min(settings.LIVE_HEARTBEAT_SECONDS, left)
                )
            except TimeoutError:
                yield ": ping\n\n"
                await _online(user_id)
                continue
            if event is live.CLOSED:
                return
            yield _message(event)
    finally:
        await live.hub().stop_listening(live.channel_for(user_id), queue)
        await asyncio.to_thread(metrics.stream_closed, user_id)


async def _online(user_id: int) -> None:
    """Counted online until two heartbeats from now (core.metrics; never blocks the loop)."""
    seconds = 2 * settings.LIVE_HEARTBEAT_SECONDS + 5
    await asyncio.to_thread(metrics.stream_open, user_id, seconds=seconds)


# --- the ASGI app -------------------------------------------------------------------------------


@_in_pooled_thread
def _listener(session_key: str, may_listen: Callable) -> int | None:
    """The id of the session's user if they may open a stream: signed in (session not expired,
    its auth hash still valid), active, and accepted by `may_listen` (a pro)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(SimpleNamespace(session=store))  # what AuthenticationMiddleware does
    if user.is_authenticated and user.is_active and may_listen(user):
        return user.pk
    return None


class LiveStreamApp:
    """/pro/live without Django's request handler: 204 (signed out, inactive, not a pro: the
    browser stops reconnecting), 503 without Redis, else 200 and the event stream until it
    ends or the browser goes away."""

    def __init__(self, *, may_listen: Callable):
        self.may_listen = may_listen

    async def __call__(self, scope, receive, send):
        if scope["method"] != "GET":
            await _answer(send, 405, {"Allow": "GET"})
            return
        headers = {name.lower(): value for name, value in scope["headers"]}
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        user_id = await _listener(session_key, self.may_listen) if session_key else None
        if user_id is None:
            await _answer(send, 204)
            return
        queue = await listen(user_id)
        if queue is None:
            await _answer(send, 503)
            return
        last = headers.get(b"last-event-id", b"").decode("latin-1")
        stream = events(user_id, int(last) if last.isdigit() else None, queue)
        sending = asyncio.ensure_future(_send_all(send, stream))
        watching = asyncio.ensure_future(_gone(receive))
        try:
            await asyncio.wait({sending, watching}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sending, watching):
                task.cancel()
            await asyncio.gather(sending, watching, return_exceptions=True)
            # A stream cancelled before its first chunk never ran its own `finally`.
            await live.hub().stop_listening(live.channel_for(user_id), queue)
        if not sending.cancelled() and sending.exception() is not None:
            raise sending.exception()


async def _answer(send, status: int, extra: dict | None = None) -> None:
    headers = {**STREAM_HEADERS, **(extra or {})}
    del headers["Content-Type"]
    await send({"type": "http.response.start", "status": status, "headers": _encode(headers)})
    await send({"type": "http.response.body", "body": b""})


async def _send_all(send, stream) -> None:
    async with contextlib.aclosing(stream):
        await send(
            {"type": "http.response.start", "status": 200, "headers": _encode(STREAM_HEADERS)}
        )
        async for chunk in stream:
            await send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _gone(receive) -> None:
    """Returns when the browser has gone away (the stream is then cancelled)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _encode(headers: dict) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]
