from django.urls import path

from . import views_account

app_name = "privacy"
urlpatterns = [
    path("settings/my-data", views_account.my_data, name="my_data"),
    path("settings/my-data/export", views_account.export_request, name="export_request"),
    path("settings/close-account", views_account.close_account, name="close_account"),
    path("account-closed", views_account.account_closed, name="account_closed"),
    # The link e-mailed with every export (customers' too: they have no pro session).
    path("data-export/<str:token>", views_account.export_download, name="export_download"),
]
