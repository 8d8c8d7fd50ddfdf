"""Row locks of check-in, in one fixed order: the session record first, then whatever the
bookings services lock below it (request, then booking). Every checkin transition takes the
record lock before calling a bookings service, and bookings never locks a record, so two
transitions never wait on each other in a circle."""

from .models import SessionRecord

_RELATED = ("booking__service__category", "booking__pro__user", "booking__customer__user")


def records_for_update(*, skip_locked: bool = False):
    return (
        SessionRecord.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related(*_RELATED)
        .order_by("pk")
    )


def lock_record(*, booking_id: int, skip_locked: bool = False) -> SessionRecord | None:
    """The booking's record, locked (None if missing, or taken by someone else with
    `skip_locked`). Call inside transaction.atomic()."""
    return records_for_update(skip_locked=skip_locked).filter(booking_id=booking_id).first()
