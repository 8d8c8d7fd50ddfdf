"""Celery tasks of payouts: thin, call one service, safe to run twice (beat entries in
settings.CELERY_BEAT_SCHEDULE). Only provider outages are retried, with backoff."""

from datetime import timedelta

from celery import shared_task

from core import clock

from . import periods, services
from .gateway import GatewayUnavailable
from .services.accounts import monthly_days_before_end


@shared_task(name="payouts.tasks.charge_due", ignore_result=True)
def charge_due() -> int:
    return services.charges_run_due().attempted


@shared_task(name="payouts.tasks.payout_weekly_batch", ignore_result=True)
def payout_weekly_batch() -> int:
    return services.payout_batch_run(frequency=periods.WEEKLY).created


@shared_task(name="payouts.tasks.payout_monthly_batch", ignore_result=True)
def payout_monthly_batch() -> int:
    today = clock.today()
    if not periods.is_batch_day(periods.MONTHLY, today, days_before_end=monthly_days_before_end()):
        return 0
    return services.payout_batch_run(frequency=periods.MONTHLY, on=today).created


@shared_task(
    name="payouts.tasks.webhook_process",
    ignore_result=True,
    autoretry_for=(GatewayUnavailable,),
    retry_backoff=30,
    max_retries=6,
)
def webhook_process(event_id: int) -> str:
    return services.webhook_process(event_id=event_id).status


def enqueue_webhook_processing(event_id: int) -> None:
    """Called on commit by the webhook view for a new event."""
    webhook_process.delay(event_id)


@shared_task(name="payouts.tasks.payouts_sweep", ignore_result=True)
def payouts_sweep() -> None:
    now = clock.now()
    services.payout_accounts_sync_due()
    services.webhooks_process_stale(older_than=now - timedelta(minutes=5))
    services.charges_release_stale_claims(now=now)
    services.payouts_send()  # resumes payouts whose sender died; nothing when none
