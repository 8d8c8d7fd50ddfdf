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
