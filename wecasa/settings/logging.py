"""Settings, part 9: logs (JSON or readable lines, request ids) and Sentry error reporting."""

from django.core.exceptions import ImproperlyConfigured

from core.logging import logging_config
from core.sentry import init_sentry

from .base import DEBUG, env

# --- Logs and error reporting (core/logging.py, core/request_id.py, core/sentry.py) -----------
# JSON lines in production, readable lines in development; every record carries the request id
# (X-Request-ID, carried into the Celery tasks a request enqueues) and, in dispatch, the booking
# request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
try:
    LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
# Workers log through settings.LOGGING too (wecasa/celery.py), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Sentry only when SENTRY_DSN is set (Django, Celery, Redis; personal data scrubbed).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
SENTRY_ENABLED = init_sentry(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    release=SENTRY_RELEASE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)
