"""Open a session record for every booking confirmed before check-in existed.

The rules are copied here as they were when this migration was written (a migration must not
follow later changes of checkin.rules): deadline = 00:00 Paris on the 6th day after the
appointment date; cleaning sessions need a declaration and are reminded at 10:00 Paris on
days 1 and 4; other sessions close by themselves at their end. Records already past their
deadline or end are closed by the first sweep, like any other.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")


def _paris_day_at(day, at):
    return datetime.combine(day, at).replace(tzinfo=PARIS)


def backfill(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    SessionRecord = apps.get_model("checkin", "SessionRecord")
    now = timezone.now()
    bookings = (
        Booking.objects.filter(status="confirmed", session_record__isnull=True)
        .select_related("service__category")
        .order_by("pk")
    )
    for booking in bookings.iterator(chunk_size=500):
        day = booking.start.astimezone(PARIS).date()
        cleaning = booking.service.category.slug == "cleaning"
        reminders = [_paris_day_at(day + timedelta(days=d), time(10, 0)) for d in (1, 4)]
        record = SessionRecord.objects.create(
            booking=booking,
            pro_id=booking.pro_id,
            needs_declaration=cleaning,
            declaration_deadline=_paris_day_at(day + timedelta(days=6), time(0, 0)),
            closes_at=None if cleaning else booking.end,
            next_reminder_at=next((r for r in reminders if r > now), None) if cleaning else None,
            created_at=now,
        )
        BookingEvent.objects.create(
            request_id=booking.request_id,
            booking=booking,
            kind="session_record_opened",
            data={
                "pro": booking.pro_id,
                "deadline": record.declaration_deadline.isoformat(),
                "backfilled": True,
            },
            created_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("checkin", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
