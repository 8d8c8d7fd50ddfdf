"""Sessions for the check-in part of the demo world (`seed_demo` calls `seed_checkin_sessions`),
relative to the time it runs:

- pro1 with customer2: a cleaning session starting 20 minutes later (arrival declarable at
  once), one yesterday at 17:00 awaiting its closing declaration, one 6 days ago at 17:00 never
  declared (the next sweep cancels its billing);
- customer1 with pro2: a cleaning session tomorrow at 09:00 (cancellable; its fee preview is
  zero until 01:00 tomorrow, then €10, and more from 05:00, as the schedule says);
- pro3 with customer3: a massage that ended an hour ago (the next sweep closes it as done).

No service may create a booking less than 2 hours ahead or in the past, so the rows are
written by the command's `past_booking` helper (its documented exception), then each gets
its session record through checkin's own service. Idempotent: a scenario whose session
already exists on its day is skipped (run it again another day for fresh "now" sessions).
"""

from datetime import time, timedelta

from django.db import IntegrityError

from bookings.models import Booking
from catalog.models import Service
from core import clock
from customers.models import Address

from .services import session_record_open


def _scenarios(now, pros, customers):
    today = clock.today()
    soon = (now + timedelta(minutes=20)).replace(second=0, microsecond=0)
    massage = Service.objects.get(slug="massage-relaxant-60")
    massage_start = (
        now - timedelta(hours=1) - timedelta(minutes=massage.duration_minutes)
    ).replace(second=0, microsecond=0)
    cleaning = Service.objects.get(slug="menage-2h")
    return [
        # (name, pro, customer, service, start)
        ("arrival_now", pros[0], customers[1], cleaning, soon),
        (
            "to_declare_yesterday",
            pros[0],
            customers[1],
            cleaning,
            clock.paris_datetime(today - timedelta(days=1), time(17, 0)),
        ),
        (
            "never_declared",
            pros[0],
            customers[1],
            cleaning,
            clock.paris_datetime(today - timedelta(days=6), time(17, 0)),
        ),
        (
            "cancellable_tomorrow",
            pros[1],
            customers[0],
            cleaning,
            clock.paris_datetime(today + timedelta(days=1), time(9, 0)),
        ),
        ("closes_by_itself", pros[2], customers[2], massage, massage_start),
    ]


def seed_checkin_sessions(*, pros, customers, past_booking, log=None) -> int:
    """Create the scenarios above that do not exist yet; return how many were created.
    `past_booking(customer=, pro=, service=, address=, start=)` writes a confirmed booking."""
    now = clock.now()
    created = 0
    for name, pro, customer, service, start in _scenarios(now, pros, customers):
        day = clock.paris_date(start)
        existing = Booking.objects.filter(
            pro=pro, customer=customer, service=service, start__date=day
        )
        if existing.filter(start=start).exists() or (
            name in ("arrival_now", "closes_by_itself") and existing.exists()
        ):
            continue
        address = Address.objects.active().filter(customer=customer).order_by("pk").first()
        try:
            booking = past_booking(
                customer=customer, pro=pro, service=service, address=address, start=start
            )
        except IntegrityError:  # the pro's agenda is taken then (an earlier run's session)
            if log:
                log(f"check-in demo: {name} skipped, {pro} is busy at {start:%Y-%m-%d %H:%M}")
            continue
        session_record_open(booking=booking)
        created += 1
    return created
