from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("bookings/<int:pk>/messages", views.thread, name="thread"),
    path("bookings/<int:pk>/messages/send", views.message_send, name="message_send"),
    path("reports/new", views.report_new, name="report_new"),
    path("support", views.support, name="support"),
    path("reviews", views.my_reviews, name="reviews"),
]
