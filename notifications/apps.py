from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    # What the Support role needs here (collected by wecasa.roles): read notifications.
    support_permissions = [
        "notifications.view_notification",
    ]

    def ready(self):
        from . import kinds
        from .vapid import vapid_keys

        # Every app's renderers (`<app>/notifications.py`), so any process can render any kind.
        kinds.autodiscover()

        # At start-up: a bad WEBPUSH_VAPID_PRIVATE_KEY fails loudly, and the logs say when a
        # development key pair is generated or web push is off.
        vapid_keys()
