"""Structured logs: one request's life followed across web and workers.

Every log record gets `request_id` (the HTTP request's, or the task's, see below) and, when
known, `booking_request_id` (the booking request being dispatched). Both live in context
variables set by `core.request_id.RequestIdMiddleware` (web), the Celery signal handlers below
(workers) and `bound_booking_request` (the dispatch engine); `RequestContextFilter`, installed
on the handlers by `logging_config`, copies them onto each record.

Output: JSON lines in production (`LOG_FORMAT=json`, the default when DEBUG is off), one
readable line per record in development (`LOG_FORMAT=text`).

Celery: `publish_request_id` (before_task_publish) writes the current request id into the
message headers; `task_started` / `task_finished` (task_prerun / task_postrun) bind it in the
worker for the task's run, or the task's own id when the message carries none (beat). They are
connected in wecasa/celery.py.
"""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

request_id_var: ContextVar[str] = ContextVar("wecasa_request_id", default="")
booking_request_id_var: ContextVar[int | None] = ContextVar(
    "wecasa_booking_request_id", default=None
)

# The Celery message header that carries the request id into the tasks a request enqueues.
CELERY_HEADER = "wecasa_request_id"
# An incoming X-Request-ID is kept only when it looks like an id (a proxy's UUID, a hex or
# dashed token): no spaces, no markup, nothing that could forge a log line; else a new one.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


def sane_request_id(value: str | None) -> str | None:
    """`value` if it is an acceptable request id, else None."""
    if value and _SANE_REQUEST_ID.match(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


@contextmanager
def bound_request_id(value: str) -> Iterator[str]:
    """Log records inside the block carry this request id."""
    token = request_id_var.set(value)
    try:
        yield value
    finally:
        request_id_var.reset(token)


@contextmanager
def bound_booking_request(request_id: int | None) -> Iterator[None]:
    """Log records inside the block carry this booking request id (the dispatch engine)."""
    token = booking_request_id_var.set(request_id)
    try:
        yield
    finally:
        booking_request_id_var.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `booking_request_id` to every record, unless the call gave them
    (`extra={"booking_request_id": ...}` wins: a batch logs each request's own id)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        if getattr(record, "booking_request_id", None) is None:
            record.booking_request_id = booking_request_id_var.get()
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, the
    context ids and any `extra`; keys whose value is None are left out."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """UTC, ISO 8601 with milliseconds: lines from every host sort and compare."""
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data: dict) -> dict:
        return {key: value for key, value in log_data.items() if value is not None}


class ReadableFormatter(logging.Formatter):
    """Development: `time LEVEL logger [request id] (booking request N) message`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt", "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s]%(booking)s %(message)s"
        )
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            RequestContextFilter().filter(record)
        booking = getattr(record, "booking_request_id", None)
        record.booking = f" (booking request {booking})" if booking is not None else ""
        return super().format(record)


def logging_config(*, fmt: str, level: str) -> dict:
    """settings.LOGGING: every record through one console handler, with the context filter and
    the chosen format (`json` or `text`)."""
    if fmt not in {"json", "text"}:
        raise ValueError("LOG_FORMAT must be 'json' or 'text'.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "core.logging.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "core.logging.JsonFormatter"},
            "text": {"()": "core.logging.ReadableFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_context"],
                "formatter": fmt,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own request logger repeats what the access line and Sentry say.
            "django.request": {"level": "ERROR"},
            # Celery's worker logs through the root handler (worker_hijack_root_logger off).
            "celery": {"level": level},
        },
    }


# --- Celery: the request id in the message headers, bound in the worker ----------------------


def publish_request_id(headers: dict | None = None, **_kwargs) -> None:
    """before_task_publish: the request (or task) enqueuing this task hands its id on."""
    request_id = request_id_var.get()
    if headers is not None and request_id and CELERY_HEADER not in headers:
        headers[CELERY_HEADER] = request_id


def _header_of(task) -> str | None:
    request = getattr(task, "request", None)
    value = getattr(request, CELERY_HEADER, None)
    if value is None:  # Task.apply(headers=...) keeps custom headers apart
        value = (getattr(request, "headers", None) or {}).get(CELERY_HEADER)
    return sane_request_id(value)


_TOKEN_ATTRIBUTE = "_wecasa_log_token"


def task_started(task=None, task_id=None, **_kwargs) -> None:
    """task_prerun: bind the publisher's request id (or this task's id) for the task's run."""
    if task is None:
        return
    request_id = _header_of(task) or f"task-{task_id or new_request_id()}"
    setattr(task.request, _TOKEN_ATTRIBUTE, request_id_var.set(request_id))


def task_finished(task=None, **_kwargs) -> None:
    """task_postrun: restore what was bound before the task (an eager task inside a request
    gives the request its id back)."""
    token = getattr(getattr(task, "request", None), _TOKEN_ATTRIBUTE, None)
    if token is not None:
        request_id_var.reset(token)
        setattr(task.request, _TOKEN_ATTRIBUTE, None)
