"""Live updates for open pages: each user's notifications are published, on commit, on a Redis
pub/sub channel of their own; the dashboard's event stream (views_live.py) listens to it.

Events carry ids only ({"id", "kind", "data"}: the notification's id, kind and ids); the page
fetches what it shows. The notification id is the event id, so a reconnecting page catches
up from the database (`Last-Event-ID`) and nothing is lost when Redis drops a message.

Publishing is best-effort: with Redis down the page's polling fallback shows the change.
One subscriber connection per process (`hub()`): the streams of all the pros a web process
serves share it and subscribe to their channels on it.
"""

import asyncio
import json
import logging
from functools import cache

import redis
import redis.asyncio as aioredis
from django.conf import settings

logger = logging.getLogger(__name__)


def channel_for(user_id: int) -> str:
    return f"{settings.LIVE_CHANNEL_PREFIX}:user:{user_id}"


def event_of(notification) -> dict:
    return {"id": notification.pk, "kind": notification.kind, "data": notification.data or {}}


# --- publishing (sync: services and workers) --------------------------------------------------


@cache
def _publisher() -> redis.Redis:
    """One pooled client per process (thread-safe)."""
    return redis.Redis.from_url(settings.LIVE_REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def redis_available() -> bool:
    """One round trip: is the pub/sub server there? (a stream is refused with 503 otherwise)"""
    try:
        return bool(_publisher().ping())
    except (redis.RedisError, OSError):
        return False


def publish_notifications(notifications) -> None:
    """Publish each notification to its user's channel (called on commit), in one round trip."""
    if not notifications:
        return
    try:
        pipeline = _publisher().pipeline(transaction=False)
        for notification in notifications:
            pipeline.publish(channel_for(notification.user_id), json.dumps(event_of(notification)))
        pipeline.execute()
    except (redis.RedisError, OSError) as error:
        logger.warning("live events not published (%s): pages fall back to polling", error)


# --- subscribing (async: the event streams) ---------------------------------------------------

CLOSED = object()  # put in a listener's queue when the hub lost Redis: the stream ends


class Hub:
    """The streams of one event loop share one Redis pub/sub connection; a channel is subscribed
    while at least one stream listens to it."""

    QUEUE_SIZE = 100

    def __init__(self, url: str):
        self._redis = aioredis.Redis.from_url(url, socket_connect_timeout=2)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._listeners: dict[str, set[asyncio.Queue]] = {}
        self._reader: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    async def listen(self, channel: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(self.QUEUE_SIZE)
        async with self._lock:
            if channel not in self._listeners:
                await self._pubsub.subscribe(channel)
                self._listeners[channel] = set()
            self._listeners[channel].add(queue)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.get_running_loop().create_task(self._read())
        return queue

    async def stop_listening(self, channel: str, queue: asyncio.Queue) -> None:
        async with self._lock:
            listeners = self._listeners.get(channel)
            if listeners is None:
                return
            listeners.discard(queue)
            if not listeners:
                del self._listeners[channel]
                try:
                    await self._pubsub.unsubscribe(channel)
                except (redis.RedisError, OSError):
                    pass

    async def _read(self) -> None:
        try:
            while self._listeners:
                message = await self._pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                channel = message["channel"]
                channel = channel.decode() if isinstance(channel, bytes) else channel
                try:
                    event = json.loads(message["data"])
                except ValueError:
                    continue
                for queue in list(self._listeners.get(channel, ())):
                    if not queue.full():  # a stalled page catches up on reconnect
                        queue.put_nowait(event)
        except (redis.RedisError, OSError) as error:
            logger.warning("live hub lost Redis (%s): its streams end", error)
            await self._close_all()

    async def _close_all(self) -> None:
        async with self._lock:
            for listeners in self._listeners.values():
                for queue in listeners:
                    while queue.full():
                        queue.get_nowait()
                    queue.put_nowait(CLOSED)
            self._listeners.clear()
            try:
                await self._pubsub.aclose()
            except Exception:  # noqa: BLE001 - the connection is already broken
                pass
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)


_hubs: dict[int, Hub] = {}


def hub() -> Hub:
    """This event loop's hub (uvicorn runs one loop per process)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(id(loop))
    if found is None or found._loop is not loop:
        found = Hub(settings.LIVE_REDIS_URL)
        found._loop = loop
        _hubs[id(loop)] = found
    return found
