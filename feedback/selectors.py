"""Every non-trivial read of talking, rating and reporting: threads and unread counts, a pro's
reviews and their average, support conversations, the reports queue, contact-detail flags."""

from django.db.models import Avg, Count, Q

from bookings.models import Booking
from core.errors import NotFound

from .models import Message, Report, Review, Side, SupportConversation, SupportMessage

# --- access-checked getters -------------------------------------------------------------------


def booking_of_customer(*, customer, booking_id) -> Booking:
    """The customer's own booking, or 404 (someone else's is "not found")."""
    booking = (
        Booking.objects.select_related("service", "pro__user", "customer__user")
        .filter(pk=booking_id, customer=customer)
        .first()
    )
    if booking is None:
        raise NotFound()
    return booking


def booking_of_pro(*, pro, booking_id) -> Booking:
    """The pro's own booking, or 404."""
    booking = (
        Booking.objects.select_related("service", "pro__user", "customer__user")
        .filter(pk=booking_id, pro=pro)
        .first()
    )
    if booking is None:
        raise NotFound()
    return booking


# --- messages ---------------------------------------------------------------------------------


def thread_for(booking):
    """The booking's messages, oldest first (newest last)."""
    return (
        Message.objects.filter(booking=booking)
        .select_related("sender")
        .order_by("created_at", "id")
    )


def unread_count(booking, *, reader_side: str) -> int:
    """Messages of the other side the reader has not opened yet."""
    return (
        Message.objects.filter(booking=booking, read_at__isnull=True)
        .exclude(sender_side=reader_side)
        .count()
    )


def unread_by_booking_for_pro(pro, booking_ids=None) -> dict[int, int]:
    """{booking id: unread customer messages} for the pro's bookings (one query)."""
    queryset = Message.objects.filter(
        booking__pro=pro, sender_side=Side.CUSTOMER, read_at__isnull=True
    )
    if booking_ids is not None:
        queryset = queryset.filter(booking_id__in=list(booking_ids))
    rows = queryset.values("booking_id").annotate(count=Count("id")).order_by()
    return {row["booking_id"]: row["count"] for row in rows}


def flagged_messages():
    return Message.objects.filter(is_flagged=True).select_related(
        "booking__pro__user", "booking__customer__user", "sender"
    )


def contact_flags_by_pro(pro) -> dict:
    """What support reads on a pro's page: their flagged messages (contact details masked),
    how many, and the last one."""
    flagged = Message.objects.filter(
        is_flagged=True, booking__pro=pro, sender_side=Side.PRO
    ).order_by("-created_at", "-id")
    return {"count": flagged.count(), "recent": list(flagged[:5])}


# --- reviews ----------------------------------------------------------------------------------


def visible_reviews_of(pro):
    """The pro's reviews that count (support did not hide them), newest first."""
    return (
        Review.objects.filter(pro=pro, hidden_at__isnull=True)
        .select_related("booking__service", "customer__user")
        .order_by("-created_at", "-id")
    )


def rating_summary(pro) -> dict:
    """{"count", "average"} over visible reviews; average rounded to one decimal (None when
    there is no review)."""
    row = Review.objects.filter(pro=pro, hidden_at__isnull=True).aggregate(
        count=Count("id"), average=Avg("rating")
    )
    average = row["average"]
    return {"count": row["count"], "average": round(float(average), 1) if average else None}


# --- support ----------------------------------------------------------------------------------


def support_conversation_of(user) -> SupportConversation | None:
    return SupportConversation.objects.filter(user=user).first()


def support_thread_for(user):
    """The person's support messages, oldest first (empty when they never wrote)."""
    return (
        SupportMessage.objects.filter(conversation__user=user)
        .select_related("booking__service")
        .order_by("created_at", "id")
    )


def unread_support_answers(user) -> int:
    return SupportMessage.objects.filter(
        conversation__user=user, from_support=True, read_at__isnull=True
    ).count()


def open_support_conversations():
    """Support's queue: open conversations, the longest waiting first."""
    return (
        SupportConversation.objects.filter(status=SupportConversation.Status.OPEN)
        .select_related("user")
        .order_by("last_message_at", "id")
    )


def bookings_of_person(user, *, limit: int = 10) -> list[Booking]:
    """The person's latest bookings, as a customer or as a pro (support has them at hand)."""
    return list(
        Booking.objects.filter(Q(customer__user=user) | Q(pro__user=user))
        .select_related("service", "pro__user", "customer__user")
        .order_by("-start", "-id")[:limit]
    )


# --- reports ----------------------------------------------------------------------------------


def open_reports():
    """Support's queue: open reports, oldest first."""
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter", "reported_customer__user", "reported_pro__user")
        .order_by("created_at", "id")
    )


def reports_by(user):
    return Report.objects.filter(reporter=user).order_by("-created_at", "-id")
