"""Money history for the demo world (`seed_demo` calls `seed_money_history`): 8 weeks of
completed sessions for the first demo pros, their charges, and their weekly payouts, paid
(arrived) for the past weeks, so the Earnings page, the pro API and the admin show
something real.

Past sessions cannot go through the check-in services (declarations are refused after 5
days), so, like the command's own history, the session rows are written directly (a record
closed "done" and its billable item, through checkin's own `bill`), then completed with
bookings' service. Charges and payouts go through the real services, day by day. Idempotent:
a week already seeded is skipped, and the services never charge or pay twice. Only with the
fake gateway: a demo never charges real cards.
"""

from datetime import time, timedelta

from django.conf import settings
from django.db import transaction

from bookings import services as booking_services
from catalog.models import Service
from checkin import rules as checkin_rules
from checkin.models import BillableItem, Outcome, SessionRecord
from checkin.services.records import bill
from core import clock

from . import periods
from .gateway import get_gateway
from .models import Payout
from .services import charges_run_due, payout_batch_run
from .services.sending import payout_record_bank_outcome

WEEKS = 8
# (weekday, hour, service slug): two sessions a week per pro, on days the command's own
# history (Fridays at 10:00) never uses.
SLOTS = [(1, 9, "menage-3h"), (3, 14, "menage-2h")]


def _weeks(today):
    """The Tuesdays starting the last WEEKS complete weekly periods, oldest first."""
    current = periods.weekly_period(today)
    return [current.start - timedelta(weeks=n) for n in range(WEEKS, 0, -1)]


def _completed_session(*, pro, customer, service, start, past_booking, support):
    """A past session closed "done" three hours after its end, billable the day after."""
    address = customer.addresses.filter(deleted_at__isnull=True).order_by("pk").first()
    booking = past_booking(
        customer=customer, pro=pro, service=service, address=address, start=start
    )
    closed_at = booking.end + timedelta(hours=3)
    with transaction.atomic():
        times = {**checkin_rules.record_times(booking), "next_reminder_at": None}
        record = SessionRecord.objects.create(
            booking=booking,
            pro=pro,
            outcome=Outcome.DONE,
            outcome_at=closed_at,
            created_at=booking.created_at,
            **times,
        )
        record.booking = booking
        bill(record, BillableItem.Kind.SESSION, amount_cents=booking.price_cents, now=closed_at)
    booking_services.booking_mark_completed(booking=booking, by=support)
    return booking


def seed_money_history(*, pros, customers, past_booking, support) -> int:
    """Sessions, charges and paid weekly payouts over the last 8 weeks for `pros` (served
    in turn by `customers`). `past_booking(customer=, pro=, service=, address=, start=)`
    writes a confirmed past booking (the command's helper). Returns the sessions created."""
    if settings.PAYMENT_GATEWAY != "fake":
        return 0
    from bookings.models import Booking

    today = clock.today()
    created = 0
    for tuesday in _weeks(today):
        for index, pro in enumerate(pros):
            customer = customers[index % len(customers)]
            for weekday, hour, slug in SLOTS:
                day = tuesday + timedelta(days=(weekday - 1) % 7)
                start = clock.paris_datetime(day, time(hour + index % 2, 0))
                if Booking.objects.filter(pro=pro, start=start).exists():
                    continue
                service = Service.objects.select_related("category").get(slug=slug)
                _completed_session(
                    pro=pro,
                    customer=customer,
                    service=service,
                    start=start,
                    past_booking=past_booking,
                    support=support,
                )
                created += 1
    gateway = get_gateway()
    first = _weeks(today)[0]
    day = first
    while day <= today:
        charges_run_due(on=day, gateway=gateway)
        if day.weekday() == periods.WEDNESDAY and day < today:
            payout_batch_run(frequency=periods.WEEKLY, on=day, gateway=gateway)
        day += timedelta(days=1)
    # What arrived at the banks: the payouts whose arrival day has passed.
    for payout in Payout.objects.filter(
        pro__in=pros, status=Payout.Status.SENT, arrival_on__lt=today
    ):
        gateway.simulate_bank_payout(
            payout.gateway_account_id, payout.gateway_payout_id, status="paid"
        )
        payout_record_bank_outcome(payout=payout, status="paid")
    return created
