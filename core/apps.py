from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Comptes et journal d'audit")
    # What the Support role needs here (collected by wecasa.roles): accounts and the audit log.
    support_permissions = [
        "core.view_user",
        "core.change_user",
        "core.view_auditevent",
    ]
