"""The request id of every HTTP request: the incoming `X-Request-ID` when it is sane (a proxy
or the mobile app set it), else a new one; bound for the request's log records (core/logging.py)
and the tasks it enqueues, echoed in the response's `X-Request-ID`, and one access line per
request (method, route pattern, status, duration; never the path, which may hold a secret such
as a calendar token, nor the query string)."""

import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.utils.functional import SimpleLazyObject, empty

from .logging import bound_request_id, new_request_id, sane_request_id

HEADER = "X-Request-ID"
access_logger = logging.getLogger("wecasa.access")
# Container healthchecks and the live stream's reconnections would drown the access log.
_QUIET_PREFIXES = ("/healthz",)


def _request_id_for(request) -> str:
    return sane_request_id(request.headers.get(HEADER)) or new_request_id()


def _known_user_id(request) -> int | None:
    """The signed-in user's id if something already loaded it (never a query of its own)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return getattr(user, "pk", None)


def _log_access(request, response, started: float) -> None:
    match = getattr(request, "resolver_match", None)
    level = logging.DEBUG if request.path.startswith(_QUIET_PREFIXES) else logging.INFO
    access_logger.log(
        level,
        "%s %s %s",
        request.method,
        f"/{match.route}" if match is not None else "(unresolved)",
        response.status_code,
        extra={
            "http_method": request.method,
            "route": f"/{match.route}" if match is not None else None,
            "view": match.view_name if match is not None else None,
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": _known_user_id(request),
        },
    )


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every other middleware's log lines carry the id too."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.monotonic()
        with bound_request_id(_request_id_for(request)) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            response[HEADER] = request_id
            _log_access(request, response, started)
        return response

    async def __acall__(self, request):
        started = time.monotonic()
        with bound_request_id(_request_id_for(request)) as request_id:
            request.request_id = request_id
            response = await self.get_response(request)
            response[HEADER] = request_id
            _log_access(request, response, started)
        return response
