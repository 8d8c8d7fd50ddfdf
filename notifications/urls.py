from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications", views.notification_list, name="list"),
    path("notifications/bell", views.bell, name="bell"),
    path("notifications/read-all", views.notification_read_all, name="read_all"),
    path("notifications/<int:pk>/open", views.notification_open, name="open"),
]
