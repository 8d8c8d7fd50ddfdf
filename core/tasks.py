"""Celery tasks of the kernel: thin, safe to run twice."""

from celery import shared_task

from . import idempotency


@shared_task(name="core.tasks.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Forget the Idempotency-Keys older than IDEMPOTENCY_KEY_TTL."""
    return idempotency.purge_expired()
