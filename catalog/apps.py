from django.apps import AppConfig


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    # What the Support role needs here (collected by wecasa.roles): read the catalogue.
    support_permissions = [
        "catalog.view_category",
        "catalog.view_service",
    ]
