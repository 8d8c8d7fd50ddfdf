from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    # What the Support role needs here (collected by wecasa.roles): read notifications.
    support_permissions = [
        "notifications.view_notification",
    ]
