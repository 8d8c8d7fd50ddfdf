from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from pros.signals import pro_suspended


def _withdraw_on_suspension(sender, pro, by=None, **kwargs):
    # Imported when the signal fires: an AppConfig module is imported before the models are
    # ready, so it cannot import the services (which import the models) at its top.
    from .services import pro_proposals_withdraw

    pro_proposals_withdraw(pro=pro, by=by)


class BookingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bookings"
    verbose_name = _("Demandes et réservations")

    # What support needs on dispatch (collected into the Support role by wecasa.roles): see
    # and act on requests, proposals, bookings and timelines.
    support_permissions = [
        "bookings.view_bookingrequest",
        "bookings.change_bookingrequest",
        "bookings.view_proposal",
        "bookings.add_proposal",
        "bookings.view_counteroffer",
        "bookings.view_booking",
        "bookings.change_booking",
        "bookings.view_bookingevent",
        "bookings.view_favorite",
        # The flagged-requests queue (proxy model, its own permissions).
        "bookings.view_flaggedbookingrequest",
        "bookings.change_flaggedbookingrequest",
    ]

    def ready(self):
        from .dispatch.candidates import install_candidate_function

        # The candidate query runs as a database function, (re)created from its SQL after
        # every migrate.
        post_migrate.connect(
            install_candidate_function, sender=self, dispatch_uid="bookings_candidate_function"
        )
        pro_suspended.connect(
            _withdraw_on_suspension, dispatch_uid="bookings_withdraw_on_suspension"
        )
