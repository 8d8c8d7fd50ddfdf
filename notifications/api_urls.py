from django.urls import path

from . import api

app_name = "notifications_api"
urlpatterns = [
    path("notifications", api.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/read-all",
        api.NotificationReadAllView.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/unread-count",
        api.NotificationUnreadCountView.as_view(),
        name="notifications-unread",
    ),
    path(
        "notifications/<int:pk>/read", api.NotificationReadView.as_view(), name="notification-read"
    ),
]
