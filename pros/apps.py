from django.apps import AppConfig


class ProsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'pros'
