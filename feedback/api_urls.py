from django.urls import path

from .api import customer, pro

app_name = "feedback_api"
urlpatterns = [
    # Customer side.
    path(
        "bookings/<int:pk>/messages",
        customer.CustomerMessagesApi.as_view(),
        name="booking_messages",
    ),
    path("bookings/<int:pk>/review", customer.CustomerReviewApi.as_view(), name="booking_review"),
    path("bookings/<int:pk>/report", customer.CustomerReportApi.as_view(), name="booking_report"),
    path("pros/<int:pk>/reviews", customer.ProReviewListApi.as_view(), name="pro_reviews"),
    path("support/messages", customer.SupportMessagesApi.as_view(), name="support_messages"),
    # Pro side.
    path(
        "pro/bookings/<int:pk>/messages", pro.ProMessagesApi.as_view(), name="pro_booking_messages"
    ),
    path("pro/reports", pro.ProReportApi.as_view(), name="pro_reports"),
]
