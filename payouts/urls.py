from django.urls import path

from . import views

app_name = "payouts"
urlpatterns = [
    path("earnings", views.earnings, name="earnings"),
    path("earnings/statement.csv", views.statement_csv, name="statement_csv"),
]
