import pytest

from notifications import kinds
from tests.notifications.push_service import LocalPushService


@pytest.fixture
def push_service(settings):
    """A local push service the server may push to (http on 127.0.0.1, for the tests only)."""
    with LocalPushService() as service:
        settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = True
        settings.WEBPUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
        yield service


@kinds.renderer("test_text")
def _render_test_text(params):
    """A kind for tests of the notification machinery: its text is its parameters."""
    return params.get("title", ""), params.get("body", "")
