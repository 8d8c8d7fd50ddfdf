from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pros"
    verbose_name = _("Pros")
    # What the Support role needs here (collected by wecasa.roles): review pros and documents.
    support_permissions = [
        "pros.view_pro",
        "pros.change_pro",
        "pros.view_document",
        "pros.change_document",
        "pros.view_workinghours",
        "pros.view_timeoff",
        "pros.view_zonecell",
        "pros.view_referralinvite",
    ]
