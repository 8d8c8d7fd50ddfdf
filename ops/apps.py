"""Operating the platform: vital signs (/metrics) and support's "today" page.

Above every domain app: it reads their indexed counts; the counters themselves are bumped
where events happen, through core.metrics.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = _("Exploitation")
    support_permissions = ["ops.view_vital_signs"]

    def ready(self):
        from celery import signals

        from .workers import task_finished

        # Every worker process: "a worker consumed from this queue" (core.metrics).
        signals.task_postrun.connect(task_finished, weak=False, dispatch_uid="ops.task_finished")
