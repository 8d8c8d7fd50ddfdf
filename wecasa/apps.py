"""The project itself as an app: what spans every app (roles) is wired here, at the top."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, using="default", **kwargs):
    from .roles import ensure_support_group

    ensure_support_group(using=using)


class WecasaConfig(AppConfig):
    name = "wecasa"
    verbose_name = "Wecasa"

    def ready(self):
        # No sender: this app has no models, so Django sends it no post_migrate of its own.
        # Every app's post_migrate runs it (idempotent, adds only), so the group gets each
        # app's permissions as soon as they exist.
        post_migrate.connect(_ensure_roles, dispatch_uid="wecasa_roles")
