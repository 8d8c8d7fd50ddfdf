"""Personal data as French law requires (GDPR / CNIL): export, account closure, retention.

Above every domain app: it reads and anonymises what each of them holds about a person.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Données personnelles")
    # Support lists the data exports asked for (read-only: the admin has no add/change).
    support_permissions = ["privacy.view_dataexport"]

    def ready(self):
        from customers.signals import customer_created

        from .blacklist_carry_over import blacklist_carry_over_relink

        customer_created.connect(
            blacklist_carry_over_relink, dispatch_uid="privacy.blacklist_carry_over_relink"
        )
