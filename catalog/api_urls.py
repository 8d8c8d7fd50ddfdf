from django.urls import path

from .api import ServiceListApi

app_name = "catalog_api"
urlpatterns = [
    path("services", ServiceListApi.as_view(), name="services"),
]
