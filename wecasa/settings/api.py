"""Settings, part 4: the REST API (DRF, idempotency keys, knox tokens, the OpenAPI schema)."""

from datetime import timedelta

from .base import env
from .security import NUM_PROXIES

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # `Authorization: Token <key>` with knox's hashed, expiring tokens (REST_KNOX below).
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api_input.TokenAuthentication"],
    # JSON with a nesting limit (a deep body is refused before it can exhaust the stack).
    "DEFAULT_PARSER_CLASSES": [
        "core.api_input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api_input.PageNumberPagination",  # `page` checked
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
    # drf-spectacular plus the error answers every operation can give (core.openapi).
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
        "register": env.str("THROTTLE_REGISTER", default="10/hour"),
    },
    "DATETIME_FORMAT": "iso-8601",
    # Throttles key on REMOTE_ADDR unless proxies are configured (see NUM_PROXIES above).
    "NUM_PROXIES": NUM_PROXIES,
}
# `Idempotency-Key`: how long a key (and the answer it replays) is kept, and how long a request
# holding one may run before a retry takes it as lost (core.idempotency).
IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))
IDEMPOTENCY_LEASE = timedelta(seconds=env.int("IDEMPOTENCY_LEASE_SECONDS", default=60))
# Deepest JSON nesting an API body may have (core.api_input.JSONParser).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # A token expires after this long unused; each use renews it (at most once a minute)...
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    # ...but never past this age: then the app logs in again.
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env.int("API_TOKEN_MAX_AGE_DAYS", default=365)),
}
# Devices (tokens) one account may keep; a new login beyond it revokes the oldest.
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=20)
SPECTACULAR_SETTINGS = {
    "TITLE": "Wecasa API",
    "DESCRIPTION": "Customer app and pro mobile app API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several bookings models have a `status` with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "BookingRequestStatusEnum": "bookings.models.BookingRequest.Status",
        "ProposalStatusEnum": "bookings.models.Proposal.Status",
        "CounterOfferStatusEnum": "bookings.models.CounterOffer.Status",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        # One name for check-in's declarations (a `kind` here, `allowed_declarations` there)
        # and one for reports' kinds: two `kind` choice sets would otherwise collide.
        "DeclarationEnum": "checkin.models.Declaration",
        "ReportKindEnum": "feedback.models.Report.Kind",
    },
}
