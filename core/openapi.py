"""What the OpenAPI schema says beyond each view's own declarations: how TokenAuthentication
is sent, and the error envelope with the statuses each operation can answer.

`AutoSchema` (settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds to every operation the
error answers that follow from how it is built, each as the `Error` envelope
{"error": {"code", "message", "fields"?}}:
- 400 `invalid` (or a refusing business rule): a request body or query parameters, or a write;
- 401: it needs a token; 403: it needs a token (and a role: customer, pro, not blacklisted);
- 404: a path parameter (not found or not yours) or a page number past the end;
- 413 `payload_too_large` and 415: a request body;
- 429: a throttle (logins also answer 429 `account_locked`).
Statuses only the services know (409 `agenda_conflict`, ...) are declared by the view, with a
description only: `extend_schema(responses={..., 409: OpenApiResponse(description="...")})`;
the envelope is filled in here.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object

from . import idempotency_middleware

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer: a stable code, a message in the request's language, "
    "and for code `invalid` the messages of each field.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "Field name -> its messages (nested for nested fields).",
                    "additionalProperties": {},
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

_DESCRIPTIONS = {
    "400": "Invalid input (`invalid`, with `fields`) or a business rule refuses.",
    "401": "No valid token (`not_authenticated`, `authentication_failed`).",
    "403": "Not allowed (`forbidden`, or the role is missing: `not_a_customer`, ...).",
    "404": "Not found, or not yours (`not_found`).",
    "413": "The body is too large (`payload_too_large`).",
    "415": "The body is not JSON (`unsupported_media_type`).",
    "429": "Too many requests (`throttled`; logins: `account_locked`).",
}


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` (core.api_input.TokenAuthentication)."""

    target_class = "core.api_input.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        responses = operation["responses"]
        for status in self._error_statuses(operation):
            responses.setdefault(status, {"description": _DESCRIPTIONS[status]})
        idempotency_middleware.document(operation, view=self.view, method=self.method)
        for status, response in responses.items():
            if status.startswith("4") and "content" not in response:
                response["content"] = {"application/json": {"schema": component.ref}}
        return operation

    def _error_statuses(self, operation) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        statuses = []
        if (
            has_body
            or self.method in {"POST", "PUT", "PATCH", "DELETE"}
            or any(parameter["in"] == "query" for parameter in parameters)
        ):
            statuses.append("400")
        security = operation.get("security")
        if security and {} not in security:
            statuses += ["401", "403"]
        if any(parameter["in"] in {"path"} for parameter in parameters) or any(
            parameter["name"] == "page" and parameter["in"] == "query" for parameter in parameters
        ):
            statuses.append("404")
        if has_body:
            statuses += ["413", "415"]
        if self.view.get_throttles():
            statuses.append("429")
        return statuses
