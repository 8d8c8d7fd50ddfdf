"""Structured logs: the request id (X-Request-ID) on every line of a request, carried into the
Celery tasks it enqueues, and the booking request id on every dispatch line."""

import json
import logging

import pytest
import time_machine
from celery import shared_task
from celery.signals import before_task_publish

from bookings import tasks
from bookings.models import Proposal
from catalog.models import Service
from core.logging import (
    CELERY_HEADER,
    JsonFormatter,
    ReadableFormatter,
    RequestContextFilter,
    bound_booking_request,
    bound_request_id,
    logging_config,
    publish_request_id,
)
from tests.bookings.helpers import NOW, at
from tests.factories import booking_customer, dispatchable_pro
from wecasa.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(caplog):
    """caplog with the filter settings.LOGGING puts on the console handler."""
    context_filter = RequestContextFilter()
    caplog.handler.addFilter(context_filter)
    caplog.set_level(logging.INFO)
    yield caplog
    caplog.handler.removeFilter(context_filter)


@pytest.fixture
def published(monkeypatch):
    """Dispatch wake-ups are not sent to a broker in tests: record each with the headers the
    before_task_publish handler gives its message (called where the real publish would be)."""
    sent = []

    def publish(request_id, countdown=0):
        headers = {}
        publish_request_id(headers=headers)
        sent.append((request_id, headers))

    monkeypatch.setattr("bookings.dispatch.wakeups.publish", publish)
    return sent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_request_followed_from_the_post_to_the_accept(logs, api_client, published):
    """Transactional: the wake-up is published on commit inside the request, as in production."""
    with time_machine.travel(NOW, tick=False):
        service = Service.objects.get(slug="menage-2h")
        customer, address = booking_customer()
        pro = dispatchable_pro(services=[service])
        api_client.force_authenticate(customer.user)
        response = api_client.post(
            "/api/v1/booking-requests",
            {"service": service.pk, "address": address.pk, "start": at(3, 10).isoformat()},
            format="json",
            HTTP_X_REQUEST_ID="req-create-1",
        )
        assert response.status_code == 201, response.content
        assert response["X-Request-ID"] == "req-create-1"
        request_id = response.json()["id"]

        # The wake-up carries the request id; the worker binds it for the task's run.
        [(woken, headers)] = published
        assert woken == request_id and headers == {CELERY_HEADER: "req-create-1"}
        tasks.dispatch_request.apply(args=(request_id,), headers=headers)

        proposal = Proposal.objects.get(request_id=request_id, pro=pro)
        api_client.force_authenticate(pro.user)
        response = api_client.post(
            f"/api/v1/pro/proposals/{proposal.pk}/accept", HTTP_X_REQUEST_ID="req-accept-1"
        )
        assert response.status_code == 200, response.content

    lines = [r for r in logs.records if r.booking_request_id == request_id]
    assert [(r.event, r.request_id) for r in lines if hasattr(r, "event")] == [
        ("request_created", "req-create-1"),
        ("proposal_sent", "req-create-1"),  # in the worker, carried by the message header
        ("proposal_accepted", "req-accept-1"),
        ("booking_confirmed", "req-accept-1"),
    ]
    access = [(r.request_id, r.route, r.status) for r in logs.records if r.name == "wecasa.access"]
    assert access == [
        ("req-create-1", "/api/v1/booking-requests", 201),
        ("req-accept-1", "/api/v1/pro/proposals/<int:pk>/accept", 200),
    ]


@pytest.mark.parametrize(
    "incoming", ["", "two words", "x" * 101, "<script>", "id\nforged line", "-starts-with-dash"]
)
def test_an_unusable_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    echoed = response["X-Request-ID"]
    assert echoed != incoming and len(echoed) == 32 and echoed.isalnum()


def test_a_sane_incoming_request_id_is_kept_and_each_request_gets_its_own(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123.x")["X-Request-ID"] == "abc-123.x"
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_access_line_never_holds_the_path_or_the_query(logs, client):
    client.get("/pro/calendar/s3cr3t-token-value.ics?token=other-secret")
    [line] = [r for r in logs.records if r.name == "wecasa.access"]
    assert "s3cr3t" not in line.getMessage() and "other-secret" not in line.getMessage()
    assert "secret" not in json.dumps({k: str(v) for k, v in vars(line).items()})


# --- Celery: the header on the message, the id bound in the worker ---------------------------


@shared_task(name="tests.core.log_something")
def log_something():
    logging.getLogger("tests.task").info("inside the task")


def test_publishing_a_task_puts_the_request_id_in_its_message_headers():
    """A real publish (in-memory broker): the before_task_publish handler wired in
    wecasa/celery.py adds the header; a message published outside any request carries none."""
    captured = []

    def capture(headers=None, **_kwargs):
        captured.append(dict(headers))

    before_task_publish.connect(capture, weak=False)
    try:
        with celery_app.connection_for_write("memory://") as connection:
            with bound_request_id("req-publish-1"):
                log_something.apply_async(connection=connection, queue="h6-test")
            log_something.apply_async(connection=connection, queue="h6-test")
    finally:
        before_task_publish.disconnect(capture)
    assert captured[0][CELERY_HEADER] == "req-publish-1"
    assert CELERY_HEADER not in captured[1]


def test_a_task_logs_with_its_publishers_request_id_then_gives_the_id_back(logs):
    with bound_request_id("outer-request"):
        log_something.apply(headers={CELERY_HEADER: "req-from-web"})
        logging.getLogger("tests.after").info("after the task")
    inside, after = (r for r in logs.records if r.name in {"tests.task", "tests.after"})
    assert inside.request_id == "req-from-web"
    assert after.request_id == "outer-request"


def test_a_task_without_header_logs_with_its_own_task_id(logs):
    result = log_something.apply()
    [inside] = [r for r in logs.records if r.name == "tests.task"]
    assert inside.request_id == f"task-{result.id}"


def test_a_forged_header_is_not_trusted(logs):
    log_something.apply(headers={CELERY_HEADER: "forged\nline"})
    [inside] = [r for r in logs.records if r.name == "tests.task"]
    assert inside.request_id.startswith("task-")


# --- formats ----------------------------------------------------------------------------------


def _record(message="hello %s", args=("world",), **extra):
    record = logging.LogRecord("wecasa.test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    RequestContextFilter().filter(record)
    return record


def test_json_lines_carry_the_context_ids_and_extras():
    with bound_request_id("req-json"), bound_booking_request(42):
        record = _record(event="proposal_sent")
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["level"] == "INFO" and line["name"] == "wecasa.test"
    assert line["request_id"] == "req-json" and line["booking_request_id"] == 42
    assert line["event"] == "proposal_sent"
    assert line["time"].endswith("+00:00") and "T" in line["time"]


def test_an_explicit_booking_request_id_wins_over_the_context_and_none_is_left_out():
    with bound_booking_request(1):
        record = _record(booking_request_id=7)
    assert record.booking_request_id == 7
    line = json.loads(JsonFormatter().format(_record()))
    assert "booking_request_id" not in line and line["request_id"] == "-"


def test_readable_lines_for_development():
    with bound_request_id("req-text"), bound_booking_request(9):
        text = ReadableFormatter().format(_record())
    assert "[req-text] (booking request 9) hello world" in text


def test_log_format_is_json_or_text():
    assert logging_config(fmt="json", level="INFO")["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ValueError):
        logging_config(fmt="xml", level="INFO")


def test_under_asgi_too(async_client):
    from asgiref.sync import async_to_sync

    response = async_to_sync(async_client.get)("/healthz", headers={"X-Request-ID": "req-asgi"})
    assert response["X-Request-ID"] == "req-asgi"
