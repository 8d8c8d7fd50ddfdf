"""A real Celery worker in the test process (solo pool) on its own Redis database and queue."""

from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker

from wecasa.celery import app as celery_app


def _forget_connections():
    # No connection or producer left over from another broker: an earlier test's worker would
    # otherwise receive this test's wake-ups (Celery caches the producer pool on its own).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def running_worker(settings, *, broker: str, queue: str):
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_default_queue")}
    celery_app.conf.update(broker_url=broker, task_default_queue=queue)
    _forget_connections()
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ):
            yield
    finally:
        celery_app.conf.update(**saved)
        _forget_connections()
