"""Error reporting: Sentry only with SENTRY_DSN, and nothing personal in what it sends."""

import json

import pytest
import sentry_sdk

from core import sentry
from core.logging import bound_request_id
from core.sentry import FILTERED, init_sentry, scrub_event, scrub_text


def test_nothing_is_started_without_a_dsn(monkeypatch):
    def refuse(**_kwargs):
        raise AssertionError("sentry_sdk.init must not be called without SENTRY_DSN")

    monkeypatch.setattr(sentry_sdk, "init", refuse)
    assert init_sentry(dsn="", environment="production") is False


def test_settings_leave_sentry_off_when_unset(settings):
    assert settings.SENTRY_DSN == "" and settings.SENTRY_ENABLED is False
    assert sentry_sdk.get_client().is_active() is False


def test_with_a_dsn_the_sdk_starts_with_the_integrations_and_the_scrubber(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    assert init_sentry(dsn="https://key@sentry.example/1", environment="production") is True
    [options] = calls
    assert options["send_default_pii"] is False
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] is scrub_event
    names = {type(integration).__name__ for integration in options["integrations"]}
    assert names == {"DjangoIntegration", "CeleryIntegration", "RedisIntegration"}


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("no user for marie.curie+test@example.fr", "marie.curie"),
        ("write to marie [at] example dot fr", None),
        ("call 06 12 34 56 78 now", "34 56"),
        ("call 06.12.34.56.78 now", "34.56"),
        ("call +33 6 12 34 56 78 now", "34 56"),
        ("call +33612345678 now", "612345678"),
        ("UK +44 20 7946 0958", "7946"),
        ("iban FR76 3000 6000 0112 3456 7890 189 refused", "3000 6000"),
        ("iban FR7630006000011234567890189 refused", "FR7630006000011234567890189"),
        ("lives at 12 rue de la Paix, 75002 Paris", "rue de la Paix"),
        ("3 bis avenue Foch", "Foch"),
        ("Authorization: Token 0123456789abcdef0123", "0123456789abcdef0123"),
        ("reset link /reset/MQ/c0ffee0123456789c0ffee0123456789c0ffee", "c0ffee0123456789"),
    ],
)
def test_personal_data_is_scrubbed_from_text(text, secret):
    scrubbed = scrub_text(text)
    assert FILTERED in scrubbed
    if secret:
        assert secret not in scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "booking 12345 at 2026-03-05T10:00:00+01:00",
        "price 5184 cents, 75002",
        "proposal 42 expired after 300 s",
    ],
)
def test_what_is_not_personal_is_left_alone(text):
    assert scrub_text(text) == text


def test_the_whole_event_is_scrubbed_and_tagged_with_the_request_id():
    event = {
        "event_id": "0123456789abcdef0123456789abcdef",
        "level": "error",
        "message": "failed for jean@example.com",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "bad IBAN FR7630006000011234567890189",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "pro_set_iban",
                                "filename": "pros/services/bank.py",
                                "lineno": 12,
                                "vars": {
                                    "iban": "'FR7630006000011234567890189'",
                                    "pro": "<Pro: Jean, 06 12 34 56 78>",
                                    "count": 3,
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": "https://wecasa.example/api/v1/me",
            "headers": {"Authorization": "Token abcdefabcdef1234", "Accept": "application/json"},
            "data": {"email": "jean@example.com", "phone": "0612345678", "street": "1 rue X"},
        },
        "breadcrumbs": {"values": [{"message": "sent mail to jean@example.com"}]},
        "extra": {"address": {"street": "1 rue X", "city": "Paris"}},
        "contexts": {"trace": {"trace_id": "abcdefabcdefabcdefabcdefabcdefab"}},
    }
    with bound_request_id("req-sentry-1"):
        scrubbed = scrub_event(event, {})
    dumped = json.dumps(scrubbed)
    for secret in ("jean@", "FR7630006", "06 12 34", "0612345678", "abcdefabcdef1234", "rue X"):
        assert secret not in dumped, secret
    frame = scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame["function"] == "pro_set_iban" and frame["lineno"] == 12
    assert frame["vars"]["count"] == 3
    assert scrubbed["exception"]["values"][0]["type"] == "ValueError"
    assert scrubbed["request"]["headers"]["Accept"] == "application/json"
    assert scrubbed["event_id"] == event["event_id"]
    assert scrubbed["contexts"]["trace"]["trace_id"] == "abcdefabcdefabcdefabcdefabcdefab"
    assert scrubbed["tags"]["request_id"] == "req-sentry-1"


def test_a_deeply_nested_value_cannot_stall_the_scrubber():
    value: dict = {}
    inner = value
    for _ in range(200):
        inner["next"] = {}
        inner = inner["next"]
    inner["email"] = "x@example.com"
    assert "x@example.com" not in json.dumps(sentry._scrub(value))
