"""Settings, part 8: Celery (broker, queues, routes) and every periodic task of the beat schedule."""

from datetime import timedelta

from celery.schedules import crontab

from .base import TIME_ZONE, env
from .database import REDIS_URL

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="wecasa")
# Notification e-mails (and later pushes) on their own queue: a slow mail server never delays
# the dispatch engine. Workers consume both queues (scripts/run.sh, docker-compose.yml).
CELERY_NOTIFICATIONS_QUEUE = env.str("CELERY_NOTIFICATIONS_QUEUE", default="notifications")
CELERY_TASK_ROUTES = {"notifications.tasks.*": {"queue": CELERY_NOTIFICATIONS_QUEUE}}

# Publishing reuses pooled broker connections (Celery's producer pool).
CELERY_BROKER_POOL_LIMIT = env.int("CELERY_BROKER_POOL_LIMIT", default=10)
CELERY_TIMEZONE = TIME_ZONE
# Above the longest countdown we enqueue (answer times are at most 60 min), so a
# delayed wake-up is never redelivered while still waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 60 * 60}

CELERY_BEAT_SCHEDULE = {
    # Every 30 s: expire due proposals and open the next wave; countdown wake-ups only
    # make this prompt, the sweep makes it certain.
    "dispatch-sweep": {
        "task": "bookings.tasks.dispatch_sweep",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
}

# Hourly: forget the Idempotency-Keys past IDEMPOTENCY_KEY_TTL (in batches; core/tasks.py).
CELERY_BEAT_SCHEDULE["idempotency-purge"] = {
    "task": "core.tasks.purge_idempotency_keys",
    "schedule": timedelta(hours=1),
    "options": {"expires": 30 * 60},
}

# Every 60 s: the 5-day rule (billing cancelled), sessions that close by themselves at their
# end, reminders to declare. Deadlines are indexed columns; a missed run delays by one run.
CELERY_BEAT_SCHEDULE["checkin-sweep"] = {
    "task": "checkin.tasks.checkin_sweep",
    "schedule": timedelta(seconds=60),
    "options": {"expires": 55},
}

# Every 5 min: review invitations for sessions done since (one per booking, never twice) and
# the open work a lost blacklist signal left (feedback/tasks.py).
CELERY_BEAT_SCHEDULE["feedback-sweep"] = {
    "task": "feedback.tasks.feedback_sweep",
    "schedule": timedelta(minutes=5),
    "options": {"expires": 4 * 60},
}

# 04:15 Paris every day: apply every retention period (batches, audited; safe to run twice).
CELERY_BEAT_SCHEDULE["privacy-apply-retention"] = {
    "task": "privacy.tasks.apply_retention",
    "schedule": crontab(hour=4, minute=15),
    "options": {"expires": 6 * 60 * 60},
}

# 07:00 Paris: charge what became billable (sessions closed yesterday), retries included;
# earnings are recorded first. Safe to run twice.
CELERY_BEAT_SCHEDULE["payouts-charge-due"] = {
    "task": "payouts.tasks.charge_due",
    "schedule": crontab(hour=7, minute=0),
    "options": {"expires": 6 * 60 * 60},
}

# Wednesday 10:00 Paris: the weekly batch (sessions Tuesday..Monday of the week before).
CELERY_BEAT_SCHEDULE["payouts-weekly-batch"] = {
    "task": "payouts.tasks.payout_weekly_batch",
    "schedule": crontab(day_of_week="wed", hour=10, minute=0),
    "options": {"expires": 6 * 60 * 60},
}

# Every day 10:30 Paris: the monthly batch runs when today is its day (month end - 4 days).
CELERY_BEAT_SCHEDULE["payouts-monthly-batch"] = {
    "task": "payouts.tasks.payout_monthly_batch",
    "schedule": crontab(hour=10, minute=30),
    "options": {"expires": 6 * 60 * 60},
}

# Every 5 min: new IBANs to the provider, webhook events whose task was lost, charges and
# payouts whose worker died (resumed with the same idempotency keys).
CELERY_BEAT_SCHEDULE["payouts-sweep"] = {
    "task": "payouts.tasks.payouts_sweep",
    "schedule": timedelta(minutes=5),
    "options": {"expires": 4 * 60},
}

# 03:30 Paris every night: every pro's score again (events leave the 90-day window by time
# alone), in chunks, under an advisory lock (a second run waits for nothing and skips).
CELERY_BEAT_SCHEDULE["pros-recompute-scores"] = {
    "task": "pros.tasks.recompute_scores",
    "schedule": crontab(hour=3, minute=30),
    "options": {"expires": 3 * 60 * 60},
}

# Every hour: expired export files are deleted (the rows stay as the record of the request).
CELERY_BEAT_SCHEDULE["privacy-purge-expired-exports"] = {
    "task": "privacy.tasks.purge_expired_data_exports",
    "schedule": crontab(minute=17),
    "options": {"expires": 30 * 60},
}
