"""`/metrics`: the vital signs in Prometheus' text format, for Prometheus only.

Protected by a bearer token (`METRICS_TOKEN`): unset, the endpoint does not exist (404); set,
any request without `Authorization: Bearer <token>` is refused (403). Not cached, not logged in.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from .collector import exposition


def _authorized(request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.METRICS_TOKEN
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected)


@never_cache
@require_GET
def metrics(request):
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorized(request):
        return HttpResponseForbidden()
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
