"""Domain errors with stable codes, mapped once to API answers.

Services raise DomainError subclasses; `api_exception_handler` turns them, and every
DRF error, into {"error": {"code", "message", "fields"?}} with the right status.
Web views catch DomainError and show `message` on the form.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    code = "error"
    status = status.HTTP_400_BAD_REQUEST
    default_message = _("This action is not possible.")

    def __init__(self, message=None, *, code=None, fields=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    code = "invalid"
    default_message = _("Some fields are invalid.")


class RuleRefused(DomainError):
    """A business rule refuses (400), e.g. too_late_to_book, no_pro_in_area."""


class NotAllowed(DomainError):
    status = status.HTTP_403_FORBIDDEN
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = status.HTTP_409_CONFLICT
    code = "conflict"
    default_message = _("This is no longer possible.")


def _envelope(code, message, status_code, fields=None, headers=None):
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=status_code, headers=headers)


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
