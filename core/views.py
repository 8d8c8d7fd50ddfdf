"""Site-wide views: /healthz and the 400/404/500 handlers (JSON envelope under /api/)."""

import functools

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from redis import Redis
from redis.exceptions import RedisError

from .api import (
    is_api_request,
    json_bad_request,
    json_not_found,
    json_payload_too_large,
    json_server_error,
)


@functools.lru_cache(maxsize=4)
def _broker_client(url: str) -> Redis:
    """One pooled client per broker URL and process: /healthz opens no connection per call."""
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1, max_connections=4)


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    # Redis serves the Celery broker and the cache (throttles), possibly two servers.
    try:
        _broker_client(settings.CELERY_BROKER_URL).ping()
        cache.get("healthz")
        checks["redis"] = "ok"
    except (RedisError, OSError) as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def bad_request(request, exception=None):
    """400 for what Django refuses before a view runs (e.g. a body over the upload limit:
    413 under /api/), as the API envelope under /api/."""
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return json_payload_too_large()
        return json_bad_request()
    return default_bad_request(request, exception)


def not_found(request, exception=None):
    """404 for URLs no view matched: the API envelope under /api/, Django's page elsewhere."""
    if is_api_request(request):
        return json_not_found()
    return page_not_found(request, exception)


def server_error(request):
    if is_api_request(request):
        return json_server_error()
    return default_server_error(request)
