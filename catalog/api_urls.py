from django.urls import path

from . import api

app_name = "catalog_api"
urlpatterns = [
    path("services", api.ServiceListApi.as_view(), name="services"),
]
