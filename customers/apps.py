from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "customers"
    verbose_name = _("Clients")
    # What the Support role needs here (collected by wecasa.roles): customers, blacklisting.
    support_permissions = [
        "customers.view_customer",
        "customers.change_customer",
        "customers.view_address",
        "customers.view_paymentmethod",
    ]
