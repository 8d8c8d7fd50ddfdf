from django.urls import path

from . import api

app_name = "pros_api"
urlpatterns = [
    path("pro/score", api.ProScoreApi.as_view(), name="pro_score"),
]
