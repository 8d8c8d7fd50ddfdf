from django.urls import path

from . import api

app_name = "bookings_api"
urlpatterns = [
    # Customer side
    path("booking-requests", api.BookingRequestListCreateView.as_view(), name="booking-requests"),
    path(
        "booking-requests/<int:pk>", api.BookingRequestDetailView.as_view(), name="booking-request"
    ),
    path(
        "booking-requests/<int:pk>/cancel",
        api.BookingRequestCancelView.as_view(),
        name="booking-request-cancel",
    ),
    path(
        "booking-requests/<int:pk>/confirm",
        api.BookingRequestConfirmView.as_view(),
        name="booking-request-confirm",
    ),
    path(
        "booking-requests/<int:pk>/decline",
        api.BookingRequestDeclineView.as_view(),
        name="booking-request-decline",
    ),
    path(
        "counter-offers/<int:pk>/accept",
        api.CounterOfferAcceptView.as_view(),
        name="counter-offer-accept",
    ),
    path(
        "counter-offers/<int:pk>/decline",
        api.CounterOfferDeclineView.as_view(),
        name="counter-offer-decline",
    ),
    path("bookings", api.CustomerBookingListView.as_view(), name="bookings"),
    path("bookings/<int:pk>", api.CustomerBookingDetailView.as_view(), name="booking"),
    path("past-pros", api.PastProListView.as_view(), name="past-pros"),
    path("favorites", api.FavoriteListCreateView.as_view(), name="favorites"),
    path("favorites/<int:pro_id>", api.FavoriteDeleteView.as_view(), name="favorite"),
    path("pros/<int:pk>/slots", api.ProSlotsView.as_view(), name="pro-slots"),
    path("pros/by-link/<slug:slug>", api.ProByLinkView.as_view(), name="pro-by-link"),
    # Pro side (the pro mobile app)
    path("pro/proposals", api.ProProposalListView.as_view(), name="pro-proposals"),
    path(
        "pro/proposals/<int:pk>/accept",
        api.ProProposalAcceptView.as_view(),
        name="pro-proposal-accept",
    ),
    path(
        "pro/proposals/<int:pk>/refuse",
        api.ProProposalRefuseView.as_view(),
        name="pro-proposal-refuse",
    ),
    path(
        "pro/proposals/<int:pk>/counter",
        api.ProProposalCounterView.as_view(),
        name="pro-proposal-counter",
    ),
    path("pro/bookings", api.ProBookingListView.as_view(), name="pro-bookings"),
]
