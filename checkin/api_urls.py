from django.urls import path

from . import api

app_name = "checkin_api"
urlpatterns = [
    # Pro side. `pro/bookings` is the bookings list extended with ?to_declare=true; this file
    # is included before bookings.api_urls so this view answers that path.
    path("pro/bookings", api.ProBookingListApi.as_view(), name="pro_bookings"),
    path("pro/bookings/<int:pk>", api.ProBookingDetailApi.as_view(), name="pro_booking"),
    path(
        "pro/bookings/<int:pk>/declarations",
        api.ProDeclarationApi.as_view(),
        name="pro_booking_declarations",
    ),
    # Customer side.
    path(
        "bookings/<int:pk>/cancellation",
        api.CustomerCancellationQuoteApi.as_view(),
        name="booking_cancellation",
    ),
    path("bookings/<int:pk>/cancel", api.CustomerCancelApi.as_view(), name="booking_cancel"),
]
