from django.urls import path

from .api import customer, customer_pros, pro

app_name = "bookings_api"
urlpatterns = [
    # Customer side
    path(
        "booking-requests", customer.BookingRequestListCreateApi.as_view(), name="booking_requests"
    ),
    path(
        "booking-requests/<int:pk>",
        customer.BookingRequestDetailApi.as_view(),
        name="booking_request",
    ),
    path(
        "booking-requests/<int:pk>/access-details",
        customer.BookingRequestAccessDetailsApi.as_view(),
        name="booking_request_access_details",
    ),
    path(
        "booking-requests/<int:pk>/cancel",
        customer.BookingRequestCancelApi.as_view(),
        name="booking_request_cancel",
    ),
    path(
        "booking-requests/<int:pk>/confirm",
        customer.BookingRequestConfirmApi.as_view(),
        name="booking_request_confirm",
    ),
    path(
        "booking-requests/<int:pk>/decline",
        customer.BookingRequestDeclineApi.as_view(),
        name="booking_request_decline",
    ),
    path(
        "counter-offers/<int:pk>/accept",
        customer.CounterOfferAcceptApi.as_view(),
        name="counter_offer_accept",
    ),
    path(
        "counter-offers/<int:pk>/decline",
        customer.CounterOfferDeclineApi.as_view(),
        name="counter_offer_decline",
    ),
    path("bookings", customer.CustomerBookingListApi.as_view(), name="bookings"),
    path("bookings/<int:pk>", customer.CustomerBookingDetailApi.as_view(), name="booking"),
    path("past-pros", customer_pros.PastProListApi.as_view(), name="past_pros"),
    path("favorites", customer_pros.FavoriteListCreateApi.as_view(), name="favorites"),
    path("favorites/<int:pro_id>", customer_pros.FavoriteDeleteApi.as_view(), name="favorite"),
    path("pros/<int:pk>/slots", customer_pros.ProSlotsApi.as_view(), name="pro_slots"),
    path("pros/by-link/<slug:slug>", customer_pros.ProByLinkApi.as_view(), name="pro_by_link"),
    # Pro side (the pro mobile app); checkin.api_urls answers `pro/bookings` first (extended).
    path("pro/proposals", pro.ProProposalListApi.as_view(), name="pro_proposals"),
    path(
        "pro/proposals/<int:pk>/accept",
        pro.ProProposalAcceptApi.as_view(),
        name="pro_proposal_accept",
    ),
    path(
        "pro/proposals/<int:pk>/refuse",
        pro.ProProposalRefuseApi.as_view(),
        name="pro_proposal_refuse",
    ),
    path(
        "pro/proposals/<int:pk>/counter",
        pro.ProProposalCounterApi.as_view(),
        name="pro_proposal_counter",
    ),
    path("pro/bookings", pro.ProBookingListApi.as_view(), name="pro_bookings"),
]
