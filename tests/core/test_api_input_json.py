"""Malformed JSON gets the parser's syntax error, not "nested too deeply" (QA, issue 14's
hostile input: `{bad` on DELETE /api/v1/me answered "JSON trop imbriqué"); deep or deep and
unbalanced bodies are still refused before the parser recurses."""

import pytest

from core.api_input import json_depth_exceeds

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["{bad", '{"password": "x"', "[1, 2", "]]]", "[}", "{[}]"])
def test_shallow_unbalanced_json_is_not_too_deep(body):
    assert json_depth_exceeds(body, 32) is False


@pytest.mark.parametrize(
    "body",
    ["[" * 33 + "]" * 33, "[" * 5000, "[" * 40 + "{" + "]" * 41, '{"a": "]]]]", "b": ' + "[" * 33],
    ids=["deep", "deep-unclosed", "deep-mismatched", "closing-brackets-inside-a-string"],
)
def test_deep_json_is_too_deep_balanced_or_not(body):
    assert json_depth_exceeds(body, 32) is True


def test_32_levels_are_fine():
    assert json_depth_exceeds("[" * 32 + "]" * 32, 32) is False


@pytest.mark.parametrize("body", ["{bad", '{"password": "demo1234"', "[" * 3])
def test_malformed_body_is_a_syntax_error_in_the_envelope(api_client, body):
    response = api_client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "32" not in error["message"], error


def test_deep_unclosed_body_is_still_refused_as_too_deep(api_client):
    response = api_client.post("/api/v1/auth/token", "[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert "32" in response.json()["error"]["message"]
