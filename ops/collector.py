"""The Prometheus exposition of the vital signs: a custom collector that reads, per scrape, the
Redis counters (one round trip), the database gauges (one statement), the Celery queue depths
(one round trip) and the cached catalogue. Nothing here grows with the data.

Series (README "Operating it: vital signs"):
  wecasa_requests_{created,confirmed,unfulfilled}_total{category,lead_band}
  wecasa_first_accept_seconds (histogram){lead_band}
  wecasa_proposals_sent_total, wecasa_proposals_answered_total{answer},
  wecasa_proposals_expired_total, wecasa_charges_failed_total
  wecasa_pros_online, wecasa_sweep_lag_seconds{sweep}, wecasa_celery_queue_length{queue},
  wecasa_celery_last_task_timestamp_seconds{queue}, wecasa_payouts_held,
  wecasa_webhooks_pending, wecasa_metrics_redis_up, wecasa_celery_broker_up
"""

import logging

import redis
from prometheus_client.core import (
    CollectorRegistry,
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.exposition import generate_latest

from core import metrics

from . import selectors

logger = logging.getLogger(__name__)

REQUEST_COUNTERS = {
    "requests_created": "Booking requests created by customers.",
    "requests_confirmed": "Customer booking requests confirmed (a pro accepted).",
    "requests_unfulfilled": "Customer booking requests that ended with no pro.",
}


def _request_families(counters: selectors.Counters, services: dict) -> list:
    families = []
    for name, help_text in REQUEST_COUNTERS.items():
        family = CounterMetricFamily(f"wecasa_{name}", help_text, labels=["category", "lead_band"])
        for (category, band), value in sorted(
            selectors.sum_by_category(counters.total, name, services).items()
        ):
            family.add_metric([category, band], value)
        families.append(family)
    return families


def _first_accept(counters: selectors.Counters) -> HistogramMetricFamily:
    family = HistogramMetricFamily(
        "wecasa_first_accept_seconds",
        "Time from a customer's request to its confirmation (the accept that won).",
        labels=["lead_band"],
    )
    bounds = [*(str(bound) for bound in metrics.FIRST_ACCEPT_BUCKETS), "+Inf"]
    for band, _below in metrics.LEAD_BANDS:
        count = counters.total.get(metrics.field("first_accept_count", band), 0)
        if not count:
            continue
        cumulative, buckets = 0, []
        for index, bound in enumerate(bounds):
            cumulative += counters.total.get(metrics.field("first_accept", band, index), 0)
            buckets.append((bound, cumulative))
        total_ms = counters.total.get(metrics.field("first_accept_ms_sum", band), 0)
        family.add_metric([band], buckets, sum_value=total_ms / 1000)
    return family


def _event_families(counters: selectors.Counters) -> list:
    total = counters.total
    sent = CounterMetricFamily("wecasa_proposals_sent_total", "Proposals sent to pros.")
    sent.add_metric([], total.get("proposals_sent", 0))
    answered = CounterMetricFamily(
        "wecasa_proposals_answered_total", "Proposals answered by pros.", labels=["answer"]
    )
    for answer in metrics.PROPOSAL_ANSWERS:
        answered.add_metric([answer], total.get(metrics.field("proposals_answered", answer), 0))
    expired = CounterMetricFamily(
        "wecasa_proposals_expired_total", "Proposals nobody answered in time."
    )
    expired.add_metric([], total.get("proposals_expired", 0))
    failed = CounterMetricFamily("wecasa_charges_failed_total", "Charges failed for good.")
    failed.add_metric([], total.get("charges_failed", 0))
    return [sent, answered, expired, failed]


def _gauge(name: str, help_text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=value)


class VitalSignsCollector:
    def collect(self):
        counters = selectors.counters()
        services = selectors.category_of_services()
        yield _gauge("wecasa_metrics_redis_up", "1 when the counters could be read.", counters.up)
        if counters.up:
            yield from _request_families(counters, services)
            yield _first_accept(counters)
            yield from _event_families(counters)
            yield _gauge(
                "wecasa_pros_online", "Users with the live dashboard open.", counters.online
            )
            last = GaugeMetricFamily(
                "wecasa_celery_last_task_timestamp_seconds",
                "When a worker last finished a task from this queue (Unix time).",
                labels=["queue"],
            )
            for queue, at in sorted(counters.worker.items()):
                last.add_metric([queue], at)
            yield last
        gauges = selectors.database_gauges()
        lag = GaugeMetricFamily(
            "wecasa_sweep_lag_seconds",
            "Age of the oldest item due in a sweep (0 when nothing is late).",
            labels=["sweep"],
        )
        for sweep, seconds in gauges.lag_seconds.items():
            lag.add_metric([sweep], seconds)
        yield lag
        yield _gauge("wecasa_payouts_held", "Payouts held (pro not payable).", gauges.payouts_held)
        yield _gauge(
            "wecasa_webhooks_pending", "Webhook events not processed yet.", gauges.webhooks_pending
        )
        yield from _queue_families()


def _queue_families():
    try:
        depths = selectors.queue_depths()
    except (redis.RedisError, OSError) as error:
        logger.warning("vital signs: broker unavailable (%s)", error)
        yield _gauge("wecasa_celery_broker_up", "1 when the broker answered.", 0)
        return
    yield _gauge("wecasa_celery_broker_up", "1 when the broker answered.", 1)
    family = GaugeMetricFamily(
        "wecasa_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
    )
    for queue, depth in depths.items():
        family.add_metric([queue], depth)
    yield family


def exposition() -> bytes:
    """The text format of one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(VitalSignsCollector())
    return generate_latest(registry)
