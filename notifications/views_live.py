"""The dashboard's live stream: server-sent events from an async iterator, served under ASGI
(uvicorn). Each stream listens to the signed-in user's channel (live.py) and sends
`event: notification` with the notification's id, kind and ids; a heartbeat comment keeps
proxies from closing it; `Last-Event-ID` replays what a reconnecting page missed, from the
database. An open stream holds no database connection (the view gives its connection back
before streaming) and one idle thread (Django's ASGI handler keeps each request's thread until
the response ends); the stream itself runs on the event loop.

Under WSGI (runserver, a sync gunicorn worker) the view answers 204 at once, which tells
EventSource not to reconnect: a sync worker must never hold an open stream; the page polls.
"""

import asyncio
import json
import logging

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connections
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from core import metrics

from . import live
from .models import Notification

logger = logging.getLogger(__name__)

CATCH_UP_LIMIT = 50
RETRY_MILLISECONDS = 3000


def _message(event: dict) -> str:
    return f"id: {event['id']}\nevent: notification\ndata: {json.dumps(event)}\n\n"


def _last_event_id(request) -> int | None:
    value = request.headers.get("Last-Event-ID", "")
    return int(value) if value.isdigit() else None


@sync_to_async
def _missed(user_id: int, after: int) -> list[dict]:
    try:
        return [
            live.event_of(notification)
            for notification in Notification.objects.filter(user_id=user_id, pk__gt=after)
            .only("pk", "kind", "data")
            .order_by("pk")[:CATCH_UP_LIMIT]
        ]
    finally:
        close_old_connections()  # a stream's thread keeps no connection open


@require_GET
def stream(request):
    """A sync view (it only decides; under ASGI it runs briefly in a thread, so the test client
    and WSGI servers can call it too); the stream itself is an async iterator that the ASGI
    server consumes on its event loop."""
    if not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)
    if not request.user.is_authenticated:
        return HttpResponse(status=204)  # signed out: the browser stops reconnecting
    if not live.redis_available():
        logger.warning("live stream unavailable (Redis): the page polls")
        return HttpResponse(status=503)
    user_id = request.user.pk
    # The session and user lookups took a connection in this request's thread, which would keep
    # it until the stream ends (hours): give it back now (to the pool under ASGI).
    connections.close_all()
    response = StreamingHttpResponse(
        _events(user_id, _last_event_id(request)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events on at once
    return response


async def _events(user_id: int, after: int | None):
    channel = live.channel_for(user_id)
    hub = live.hub()
    try:
        queue = await hub.listen(channel)
    except (redis.RedisError, OSError) as error:
        logger.warning("live stream lost Redis (%s): the page polls", error)
        return
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
        await hub.stop_listening(channel, queue)
        await asyncio.to_thread(metrics.stream_closed, user_id)


async def _online(user_id: int) -> None:
    """Counted online until two heartbeats from now (core.metrics; never blocks the loop)."""
    seconds = 2 * settings.LIVE_HEARTBEAT_SECONDS + 5
    await asyncio.to_thread(metrics.stream_open, user_id, seconds=seconds)
