from django.urls import path

from . import views, views_app

app_name = "notifications"
urlpatterns = [
    path("notifications", views.notification_list, name="list"),
    path("notifications/bell", views.bell, name="bell"),
    path("notifications/read-all", views.notification_read_all, name="read_all"),
    path("notifications/<int:pk>/open", views.notification_open, name="open"),
    # The installable app's shell (public): the worker's scope is the folder it is served from.
    path("manifest.webmanifest", views_app.manifest, name="manifest"),
    path("sw.js", views_app.service_worker, name="service_worker"),
    path("offline", views_app.offline, name="offline"),
]
