import uuid

import pytest

from core import metrics
from ops import selectors


@pytest.fixture(autouse=True)
def metrics_store(settings):
    """Counters of this test only: a key prefix of its own (other test runs share Redis)."""
    settings.METRICS_KEY_PREFIX = f"test:metrics:{uuid.uuid4().hex}"
    metrics._down_until = 0.0
    selectors.forget_categories()
    url = settings.METRICS_REDIS_URL
    yield settings.METRICS_KEY_PREFIX
    client = metrics._client(url)
    keys = list(client.scan_iter(f"{settings.METRICS_KEY_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    metrics._down_until = 0.0
