import os

import pytest

# Playwright's sync API runs an event loop in the test thread; live_server tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PAYMENT_GATEWAY = "fake"
    settings.GEOCODER = "none"  # no network in tests (tests/pros/test_geocoding.py fakes it)
    settings.LANGUAGE_CODE = "fr"
    # Business counters (core.metrics) bumped by any test land in a namespace of this test
    # database, never in a running `make run`'s vital signs.
    test_database = settings.DATABASES["default"]["TEST"]["NAME"]
    settings.METRICS_KEY_PREFIX = f"test:{test_database}:metrics"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and lock-outs live in the cache (Redis): start every test clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def dispatch_wakeups(request, monkeypatch):
    """Dispatch wake-ups the bookings services enqueue on commit are recorded here instead of
    being sent to a broker (a `make run` worker must never receive test messages). Tests
    marked `worker` keep the real publisher (with their own Redis database and queue)."""
    sent = []
    if request.node.get_closest_marker("worker") is None:
        monkeypatch.setattr(
            "bookings.dispatch.wakeups.publish",
            lambda request_id, countdown=0: sent.append((request_id, countdown)),
        )
    return sent


@pytest.fixture(autouse=True)
def notification_emails(monkeypatch):
    """Notification e-mails go through the `notifications` queue in production; in tests they
    are sent in-process on commit instead (no test message reaches a broker)."""
    from notifications import emails

    monkeypatch.setattr("notifications.services.publish_emails", emails.send_notification_emails)


@pytest.fixture(autouse=True)
def notification_pushes(monkeypatch):
    """Web pushes likewise: sent in-process on commit (only to devices a test registered)."""
    from notifications import push

    monkeypatch.setattr(
        "notifications.services.publish_pushes",
        lambda notification_ids, user_ids: push.send_notification_pushes(notification_ids),
    )


@pytest.fixture(autouse=True)
def score_recompute_tasks(monkeypatch):
    """The sweep's queued score recomputes run in-process, at once (no broker in tests)."""
    from pros.scoring import record

    monkeypatch.setattr(
        record, "publish_recomputes", lambda pro_ids: record.score_recompute(pro_ids=pro_ids)
    )


@pytest.fixture(autouse=True)
def sweep_in_one_thread(settings):
    """A test's rows live in its own transaction, which the sweep's threads (their own
    connections) would not see: the sweep runs in the test's thread, except in
    tests/concurrency/test_sweep_threads.py (real threads on committed rows)."""
    settings.DISPATCH_SWEEP_THREADS = 1
