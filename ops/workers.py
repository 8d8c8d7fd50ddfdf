"""Workers' heartbeat for the vital signs: when a worker last finished a task from each queue
(the "no worker consuming" alert). At most one Redis write per queue every few seconds per
process."""

import time

from core import metrics

MIN_INTERVAL_SECONDS = 5.0
_last_written: dict[str, float] = {}


def task_finished(sender=None, task=None, **_kwargs) -> None:
    request = getattr(task, "request", None)
    delivery = getattr(request, "delivery_info", None) or {}
    queue = delivery.get("routing_key") or delivery.get("exchange") or ""
    if not queue or getattr(request, "is_eager", False):
        return
    now = time.monotonic()
    if now - _last_written.get(queue, -1e9) < MIN_INTERVAL_SECONDS:
        return
    _last_written[queue] = now
    metrics.worker_finished_task(queue)
