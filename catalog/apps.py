from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("Catalogue")
    # What the Support role needs here (collected by wecasa.roles): read the catalogue.
    support_permissions = [
        "catalog.view_category",
        "catalog.view_service",
    ]
