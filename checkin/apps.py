from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checkin"
    verbose_name = _("Suivi des prestations")

    # What support needs on sessions (collected into the Support role by wecasa.roles): read
    # the records and billable items, cancel with or without fee (actions need "change").
    support_permissions = [
        "checkin.view_sessionrecord",
        "checkin.change_sessionrecord",
        "checkin.view_billableitem",
    ]

    def ready(self):
        from bookings.signals import booking_confirmed

        from .receivers import open_record_on_confirmation

        booking_confirmed.connect(
            open_record_on_confirmation, dispatch_uid="checkin_open_record_on_confirmation"
        )
