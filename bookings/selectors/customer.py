"""What a customer sees: their requests (with the other times pros proposed), their bookings,
the pros who served them (they may book them directly or make them favourites)."""

from django.db.models import Count, Exists, Max, OuterRef, Prefetch

from pros.models import Pro

from ..models import Booking, BookingRequest, CounterOffer, Favorite


def _booking_with_pro():
    return Booking.objects.select_related("pro__user", "service", "address")


def booking_requests_for_customer(*, customer):
    open_counters = CounterOffer.objects.filter(status=CounterOffer.Status.OPEN).select_related(
        "pro__user"
    )
    return (
        BookingRequest.objects.filter(customer=customer)
        .select_related("service", "booking__pro__user", "exclusive_pro__user")
        .prefetch_related(
            Prefetch("counter_offers", queryset=open_counters, to_attr="open_counter_offers")
        )
        .order_by("-created_at", "-id")
    )


def bookings_for_customer(*, customer):
    """The customer's bookings with their request (its notes and access details are theirs)."""
    return (
        _booking_with_pro()
        .select_related("request")
        .filter(customer=customer)
        .order_by("-start", "-id")
    )


def past_pros_for(*, customer):
    """Pros who completed a session for this customer, most recent first, with whether each
    is a favourite."""
    return (
        Pro.objects.filter(bookings__customer=customer, bookings__status=Booking.Status.COMPLETED)
        .annotate(
            last_session_at=Max("bookings__start"),
            sessions=Count("bookings"),
            is_favorite=Exists(Favorite.objects.filter(customer=customer, pro=OuterRef("pk"))),
        )
        .select_related("user")
        .order_by("-last_session_at", "pk")
    )


def pro_served_customer(*, pro, customer) -> bool:
    return Booking.objects.filter(
        pro=pro, customer=customer, status=Booking.Status.COMPLETED
    ).exists()


def favorites_for(*, customer):
    return (
        Favorite.objects.filter(customer=customer)
        .select_related("pro__user")
        .order_by("-created_at", "-id")
    )
