"""Settings, part 6: web push, the live dashboard's stream and the vital signs (metrics)."""

from datetime import timedelta

from .base import DEBUG, env
from .database import REDIS_URL

# --- Web push and the live dashboard (notifications/vapid.py, push.py, live.py) ----------------
# The VAPID private key (base64url, raw P-256; `manage.py webpush_keys` makes one). Unset: a
# development pair is generated per process (make run shares one: .run/webpush.env) when
# WEBPUSH_GENERATE_DEV_KEYS (default DEBUG), else web push is off.
WEBPUSH_VAPID_PRIVATE_KEY = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_GENERATE_DEV_KEYS = env.bool("WEBPUSH_GENERATE_DEV_KEYS", default=DEBUG)
# Who push services contact about our pushes (the JWT's `sub`): a mailto: or https: URL.
WEBPUSH_VAPID_SUBJECT = env.str("WEBPUSH_VAPID_SUBJECT", default="mailto:support@wecasa.example")
# Subscriptions are accepted only for these push services (host, or ".suffix"), over https:
# the server POSTs to the endpoint, which must never be one of our own internal addresses.
WEBPUSH_ENDPOINT_HOSTS = env.list(
    "WEBPUSH_ENDPOINT_HOSTS",
    default=[
        "fcm.googleapis.com",
        ".push.services.mozilla.com",
        ".push.apple.com",
        ".notify.windows.com",
    ],
)
# Tests push to a local http endpoint; never in production.
WEBPUSH_ALLOW_HTTP_ENDPOINTS = env.bool("WEBPUSH_ALLOW_HTTP_ENDPOINTS", default=False)
# How long a push service keeps a message for an offline device (one without an expiry of its
# own; a proposal's push lives until its answer time ends), and how long we wait for it.
WEBPUSH_TTL = timedelta(hours=env.int("WEBPUSH_TTL_HOURS", default=24))
WEBPUSH_TIMEOUT_SECONDS = env.float("WEBPUSH_TIMEOUT_SECONDS", default=5.0)
WEBPUSH_MAX_DEVICES = env.int("WEBPUSH_MAX_DEVICES", default=10)
# The dashboard's event stream (server-sent events, served under ASGI only): Redis pub/sub
# channels `<prefix>:user:<id>`, a heartbeat comment every LIVE_HEARTBEAT_SECONDS, and a stream
# ends after LIVE_STREAM_SECONDS (the browser reconnects at once, with its session re-checked).
LIVE_REDIS_URL = env.str("LIVE_REDIS_URL", default=REDIS_URL)
LIVE_CHANNEL_PREFIX = env.str("LIVE_CHANNEL_PREFIX", default="wecasa:live")
LIVE_HEARTBEAT_SECONDS = env.float("LIVE_HEARTBEAT_SECONDS", default=20.0)
LIVE_STREAM_SECONDS = env.float("LIVE_STREAM_SECONDS", default=15 * 60.0)

# --- Vital signs (core/metrics.py, ops/; README "Operating it: vital signs") ------------------
# Business counters live in Redis, shared by web and worker processes.
METRICS_REDIS_URL = env.str("METRICS_REDIS_URL", default=REDIS_URL)
METRICS_KEY_PREFIX = env.str("METRICS_KEY_PREFIX", default="wecasa:metrics")
# `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>` (403 otherwise); unset, 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
