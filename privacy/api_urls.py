from django.urls import path

from . import api

app_name = "privacy_api"
urlpatterns = [
    # Routed before customers.api_urls (wecasa/urls.py): the same /me with DELETE added.
    path("me", api.MeWithClosureApi.as_view(), name="me"),
    path("me/export", api.MeExportApi.as_view(), name="me_export"),
]
