"""The session's timeline: every declaration and every automatic action is a row of the
booking request's timeline (bookings.BookingEvent), with who and when, written in the same
transaction as the change. One writer, one typed list of kinds (labels for support)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models import BookingEvent
from core import clock


class SessionEventKind(models.TextChoices):
    RECORD_OPENED = "session_record_opened", _("Session record opened")
    ARRIVAL = "session_arrival", _("Pro declared their arrival")
    LATE = "session_late", _("Pro declared they are late")
    CHANGED = "session_changed", _("Session changed (agreed with the customer)")
    CUSTOMER_ABSENT = "session_customer_absent", _("Pro reported the customer absent")
    NO_SHOW = "session_no_show", _("Customer absent: the pro left (absence fee)")
    CUSTOMER_WANTS_TO_CANCEL = (
        "session_customer_wants_cancel",
        _("Pro reported the customer wants to cancel"),
    )
    PRO_CANCELLED = "session_pro_cancelled", _("Cancelled by the pro")
    DONE = "session_done", _("Pro declared the session done")
    CUSTOMER_CANCELLED = "session_customer_cancelled", _("Cancelled by the customer")
    SUPPORT_CANCELLED = "session_support_cancelled", _("Cancelled by support")
    AUTO_COMPLETED = "session_auto_completed", _("Session closed by itself at its end")
    BILLING_CANCELLED = (
        "session_billing_cancelled",
        _("Not declared within 5 days: billing cancelled"),
    )
    CLOSED_WITH_BOOKING = "session_closed_with_booking", _("Booking cancelled outside check-in")
    REMINDER_SENT = "session_reminder_sent", _("Pro reminded to declare")
    FEE_WAIVED = "session_fee_waived", _("Fee waived by the pro")
    REDISPATCHED = "session_redispatched", _("Sent again to other pros")
    PRO_BLOCKED = "session_pro_blocked", _("Pro blocked from new proposals (late cancellations)")


KINDS = frozenset(SessionEventKind.values)


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def session_event(record, kind: SessionEventKind, *, actor=None, **data) -> BookingEvent:
    """Write one timeline row for the record's booking; `data` must be JSON-ready."""
    booking = record.booking
    return BookingEvent.objects.create(
        request_id=booking.request_id,
        booking=booking,
        actor=_actor(actor),
        kind=kind.value,
        data={"pro": booking.pro_id, **data},
        created_at=clock.now(),
    )
