from django.apps import AppConfig


class CheckinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checkin"

    # What support needs on sessions (collected into the Support role by wecasa.roles): read
    # the records and billable items, cancel with or without fee (actions need "change").
    support_permissions = [
        "checkin.view_sessionrecord",
        "checkin.change_sessionrecord",
        "checkin.view_billableitem",
    ]
