from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_support_group(sender, using="default", **kwargs):
    from .services import ensure_support_group

    ensure_support_group(using=using)


class ProsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pros"

    def ready(self):
        # After every migrate (permissions exist by then): the "Support" group and its permissions.
        post_migrate.connect(_ensure_support_group, sender=self, dispatch_uid="pros_support_group")
