from django.urls import path

from . import views, views_app, views_live, views_push

app_name = "notifications"
urlpatterns = [
    path("notifications", views.notification_list, name="list"),
    path("notifications/bell", views.bell, name="bell"),
    path("notifications/read-all", views.notification_read_all, name="read_all"),
    path("notifications/<int:pk>/open", views.notification_open, name="open"),
    path("live", views_live.stream, name="live"),
    path("notifications/devices", views_push.devices, name="devices"),
    path("notifications/devices/subscribe", views_push.push_subscribe, name="push_subscribe"),
    path("notifications/devices/unsubscribe", views_push.push_unsubscribe, name="push_unsubscribe"),
    path("notifications/devices/test", views_push.push_test, name="push_test"),
    path("notifications/devices/<int:pk>/remove", views_push.device_remove, name="device_remove"),
    # The installable app's shell (public): the worker's scope is the folder it is served from.
    path("manifest.webmanifest", views_app.manifest, name="manifest"),
    path("sw.js", views_app.service_worker, name="service_worker"),
    path("offline", views_app.offline, name="offline"),
]
