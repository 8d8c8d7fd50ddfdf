from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from redis import Redis
from redis.exceptions import RedisError


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        ).ping()
        checks["redis"] = "ok"
    except (RedisError, OSError) as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _wants_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """404 for URLs no view matched: the API envelope under /api/, Django's page elsewhere."""
    if _wants_api(request):
        return JsonResponse(
            {"error": {"code": "not_found", "message": str(_("Not found."))}}, status=404
        )
    return page_not_found(request, exception)


def server_error(request):
    if _wants_api(request):
        return JsonResponse(
            {
                "error": {
                    "code": "server_error",
                    "message": str(_("Something went wrong on our side.")),
                }
            },
            status=500,
        )
    return default_server_error(request)
