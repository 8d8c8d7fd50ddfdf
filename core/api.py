"""The API error envelope (every failure answers {"error": {"code", "message", "fields"?}}),
the one helper every app's api.py uses to validate a request body, and the body size limit.
Token authentication and the JSON parser live in core.api_input (DRF imports them while
loading its views, so they cannot import from here).

The one place that maps errors to HTTP answers for the REST API: domain errors
(`core.errors`), DRF's own errors (validation, authentication, throttling...), Django's
ValidationError / Http404 / PermissionDenied, and the JSON 404/500 answers for /api/ URLs
no view matched. This is the kernel's interface layer: the only module of `core` that
imports Django REST framework (with core.api_input, core.doors and core.openapi), so domain
code never depends on it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from . import openapi  # noqa: F401 - registers the schema extensions before any generation
from .errors import DomainError


class StrictCharField(serializers.CharField):
    """A text field that takes only JSON strings: DRF's CharField turns a number into its text
    (`5` -> "5"); free text must come as text. (NUL characters are refused by CharField.)"""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def validated(in_serializer_class, data) -> dict:
    """Validate a request body with an `*InSerializer` (400 `invalid` with fields otherwise) and
    return its data as keyword arguments for a service."""
    serializer = in_serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def error_body(code: str, message, fields=None) -> dict:
    """The envelope's body; `fields` (validation only) maps a field to its messages."""
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return body


def _envelope(code, message, status_code, fields=None, headers=None):
    return Response(error_body(code, message, fields), status=status_code, headers=headers)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "invalid",
}


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every API error in the one envelope."""
    if isinstance(exc, RequestDataTooBig):
        return _envelope("payload_too_large", _too_big_message(), 413)
    if isinstance(exc, DomainError):
        return _envelope(exc.code, exc.message, exc.status, fields=exc.fields)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _envelope("invalid", _("Some fields are invalid."), 400, fields=fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django's 500 handler log it
    headers = {
        key: value for key, value in response.items() if key in ("Retry-After", "WWW-Authenticate")
    }
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _envelope(
            "invalid", _("Some fields are invalid."), 400, fields=_flatten(detail), headers=headers
        )
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    message = exc.detail if not isinstance(exc.detail, (list, dict)) else _("Request failed.")
    status_code = response.status_code
    # Token auth answers 401 for missing credentials thanks to its WWW-Authenticate header.
    return _envelope(code, message, status_code, headers=headers)


# --- answers for /api/ URLs that no API view handled (see core.views.not_found/server_error) ---


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def json_not_found() -> JsonResponse:
    return JsonResponse(error_body("not_found", gettext("Not found.")), status=404)


def _too_big_message() -> str:
    return gettext("The request body is too large (at most %(size)d bytes).") % {
        "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }


def json_payload_too_large() -> JsonResponse:
    return JsonResponse(error_body("payload_too_large", _too_big_message()), status=413)


def json_bad_request() -> JsonResponse:
    return JsonResponse(error_body("invalid", gettext("Bad request.")), status=400)


def json_server_error() -> JsonResponse:
    return JsonResponse(
        error_body("server_error", gettext("Something went wrong on our side.")), status=500
    )


def api_body_too_large(request) -> bool:
    """An /api/ request announcing a body over DATA_UPLOAD_MAX_MEMORY_SIZE (checked before
    anything reads it; core.middleware answers 413)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return limit is not None and length > limit and is_api_request(request)
