"""`Idempotency-Key` on the API's POSTs: a client that retries (a phone app after a timeout)
gets the first answer again instead of creating a second request. The rules of the store are
in core.idempotency; this is the HTTP side, with no code in any view.

Which requests (`applies_to`): every POST to an API view (Django REST framework) that needs an
account, once the caller is authenticated by the view's own authenticators. Anonymous POSTs
(log in, register, reset a password) ignore the header: they create nothing a retry could
double, and a login's answer (a token) must never be stored in clear.

Answers:
- a key is 1 to 255 visible ASCII characters (a UUID is a good one), else 400 `invalid`;
- a retry of a request that succeeded: its answer again (same status, same body), with the
  header `Idempotent-Replayed: true`;
- the same key with another request (method, path or body): 422 `idempotency_key_reused`;
- a retry while the first request still runs: 409 `idempotency_key_in_use`, `Retry-After: 1`.
The schema (core.openapi) documents the header and these answers on the same operations.
"""

import re

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext

from . import idempotency

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")

SCHEMA_DESCRIPTION = (
    "Optional. A unique value per intended action (a UUID), sent again unchanged with every "
    "retry of the same request: the first successful answer is replayed (same status and "
    "body, header `Idempotent-Replayed: true`) instead of acting twice. The same key with "
    "another request answers 422 `idempotency_key_reused`; a retry while the first request "
    "still runs answers 409 `idempotency_key_in_use` (retry after `Retry-After` seconds). "
    "Keys are kept 24 hours, per account."
)


def applies_to(view, method: str) -> bool:
    """Whether the header is honoured: a POST to a DRF view (an instance, set up with its
    request) that needs an account for it (no AllowAny among its permissions for POST)."""
    from rest_framework.permissions import AllowAny
    from rest_framework.views import APIView

    return (
        method == "POST"
        and isinstance(view, APIView)
        and not any(isinstance(permission, AllowAny) for permission in view.get_permissions())
    )


def _view_for(view_func, request, args, kwargs):
    """The DRF view instance that will answer, set up with the request (Django's
    View.setup), so its per-method permissions and authenticators can be asked; or None."""
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
        return None
    view = view_class(**getattr(view_func, "initkwargs", {}))
    view.setup(request, *args, **kwargs)
    return view


def document(operation: dict, *, view, method: str) -> None:
    """The OpenAPI side (core.openapi): the header and its answers (409, 422) on exactly the
    operations `applies_to` names."""
    if not applies_to(view, method):
        return
    operation.setdefault("parameters", []).append(
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": SCHEMA_DESCRIPTION,
        }
    )
    responses = operation["responses"]
    in_use = "A request with the same `Idempotency-Key` still runs (`idempotency_key_in_use`)."
    if "409" in responses:
        responses["409"]["description"] = f"{responses['409'].get('description', '')} {in_use}"
    else:
        responses["409"] = {"description": in_use}
    responses.setdefault(
        "422",
        {
            "description": "The `Idempotency-Key` was used for another request "
            "(`idempotency_key_reused`)."
        },
    )


def _error(code: str, message: str, status: int, *, fields=None, retry_after=None):
    # Not at import time: core.api imports core.openapi, which imports this module.
    from .api import error_body

    response = JsonResponse(error_body(code, message, fields), status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _authenticated_user(request, view):
    """The account the view's own authenticators find, or None (the view answers 401)."""
    from rest_framework.exceptions import APIException

    for authenticator in view.get_authenticators():
        try:
            found = authenticator.authenticate(request)
        except APIException:
            return None
        if found is not None:
            return found[0]
    return None


def _answer(claim: idempotency.Claim):
    """The answer instead of running the view, or None to run it."""
    if claim.outcome == idempotency.RUN:
        return None
    if claim.outcome == idempotency.REPLAY:
        record = claim.record
        response = HttpResponse(
            record.body, status=record.status_code, content_type=record.content_type or None
        )
        response[REPLAYED_HEADER] = "true"
        return response
    if claim.outcome == idempotency.REUSED:
        return _error(
            "idempotency_key_reused",
            gettext("This Idempotency-Key was already used for another request."),
            422,
        )
    return _error(
        "idempotency_key_in_use",
        gettext("A request with this Idempotency-Key is still running. Retry shortly."),
        409,
        retry_after=1,
    )


def _text_of(response) -> str | None:
    if getattr(response, "streaming", False):
        return None
    try:
        return response.content.decode("utf-8")
    except UnicodeDecodeError:
        return None


class IdempotencyMiddleware:
    """settings.MIDDLEWARE: honours `Idempotency-Key` on the POSTs `applies_to` names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        record = getattr(request, "_idempotency_record", None)
        if record is not None:
            idempotency.finish(
                record,
                status_code=response.status_code,
                content_type=response.get("Content-Type", ""),
                body=_text_of(response),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return None
        view = _view_for(view_func, request, view_args, view_kwargs)
        if view is None or not applies_to(view, request.method):
            return None
        user = _authenticated_user(request, view)
        if user is None:
            return None  # the view answers 401 itself
        if not _VALID_KEY.fullmatch(key):
            message = gettext("1 to 255 visible ASCII characters, e.g. a UUID.")
            return _error(
                "invalid", gettext("Some fields are invalid."), 400, fields={HEADER: [message]}
            )
        claim = idempotency.claim(
            user=user,
            key=key,
            request_fingerprint=idempotency.fingerprint(
                method=request.method, path=request.get_full_path(), body=request.body
            ),
        )
        response = _answer(claim)
        if response is None:
            request._idempotency_record = claim.record
        return response
