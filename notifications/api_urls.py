from django.urls import path

from . import api

app_name = "notifications_api"
urlpatterns = [
    path("notifications", api.NotificationListApi.as_view(), name="notifications"),
    path(
        "notifications/read-all",
        api.NotificationReadAllApi.as_view(),
        name="notifications_read_all",
    ),
    path(
        "notifications/unread-count",
        api.NotificationUnreadCountApi.as_view(),
        name="notifications_unread_count",
    ),
    path(
        "notifications/<int:pk>/read", api.NotificationReadApi.as_view(), name="notification_read"
    ),
]
