"""The check-in sweep: what happens to sessions by itself, as of `now`.

Run every minute by beat (checkin.tasks.checkin_sweep) and by `manage.py checkin_sweep`.
Each step picks due rows off an indexed column, in batches, and handles each row in its own
transaction with the record locked SKIP LOCKED and its state re-checked, so it is safe to run
twice, concurrently, or racing a pro's declaration (whoever locks first wins; the other sees
the new state). Steps, in order:

1. open the record of any confirmed booking that has none (a safety net for the receiver);
2. close the record of a booking cancelled outside check-in (support, bookings admin);
3. the 5-day rule: a pending cleaning session past its deadline -> billing_cancelled;
4. a session that needs no check-in -> done at its end, billable the day after;
5. remind pros of pending declarations (day 1 and day 4 after the session);
6. end the late-cancellation blocks of pros whose 48 hours are over (pros.services).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from bookings import services as booking_services
from bookings.models import Booking
from core import clock
from pros import services as pro_services
from pros.models import Pro

from .. import locking, notifications, rules
from ..events import SessionEventKind, session_event
from ..models import BillableItem, Outcome, SessionRecord
from . import records


@dataclass(frozen=True)
class SweepChange:
    # opened | closed_with_booking | billing_cancelled | auto_completed | reminded | unblocked
    action: str
    booking_id: int | None
    detail: str = ""
    pro_id: int | None = None

    @property
    def subject(self) -> str:
        return f"booking #{self.booking_id}" if self.booking_id else f"pro #{self.pro_id}"


def _paris(moment: datetime) -> str:
    return clock.to_paris(moment).strftime("%Y-%m-%d %H:%M")


def _pending():
    return SessionRecord.objects.filter(outcome=Outcome.PENDING)


def _due_queries(now: datetime) -> dict:
    """Each step's due rows (indexed columns), oldest first."""
    return {
        "opened": Booking.objects.filter(
            status=Booking.Status.CONFIRMED, session_record__isnull=True
        ).order_by("pk"),
        "closed_with_booking": _pending()
        .filter(booking__status=Booking.Status.CANCELLED)
        .order_by("pk"),
        "billing_cancelled": _pending()
        .filter(needs_declaration=True, declaration_deadline__lte=now)
        .order_by("declaration_deadline", "pk"),
        "auto_completed": _pending().filter(closes_at__lte=now).order_by("closes_at", "pk"),
        "reminded": _pending()
        .filter(needs_declaration=True, next_reminder_at__lte=now, declaration_deadline__gt=now)
        .order_by("next_reminder_at", "pk"),
    }


def _lock(record_id: int) -> SessionRecord | None:
    return locking.records_for_update(skip_locked=True).filter(pk=record_id).first()


# --- one row each (own transaction, locked, re-checked) ------------------------------------


def _open(booking_id: int, now) -> SweepChange | None:
    booking = Booking.objects.get(pk=booking_id)
    record = records.session_record_open(booking=booking)
    return SweepChange("opened", booking_id, _paris(record.declaration_deadline))


def _close_with_booking(record_id: int, now) -> SweepChange | None:
    record = _lock(record_id)
    if record is None or not record.is_pending or record.booking.status != Booking.Status.CANCELLED:
        return None
    # Support cancelled from the bookings admin: the customer's side, without fee.
    records.close(record, Outcome.CANCELLED_BY_CUSTOMER, now=now, reason="booking_cancelled")
    session_event(record, SessionEventKind.CLOSED_WITH_BOOKING)
    return SweepChange("closed_with_booking", record.booking_id)


def _cancel_billing(record_id: int, now) -> SweepChange | None:
    record = _lock(record_id)
    if (
        record is None
        or not record.is_pending
        or not record.needs_declaration
        or not rules.deadline_passed(record.declaration_deadline, now)
    ):
        return None
    records.close(record, Outcome.BILLING_CANCELLED, now=now, reason="deadline")
    session_event(
        record,
        SessionEventKind.BILLING_CANCELLED,
        deadline=record.declaration_deadline.isoformat(),
    )
    return SweepChange(
        "billing_cancelled", record.booking_id, f"deadline {_paris(record.declaration_deadline)}"
    )


def _auto_complete(record_id: int, now) -> SweepChange | None:
    record = _lock(record_id)
    if (
        record is None
        or not record.is_pending
        or record.closes_at is None
        or record.closes_at > now
        or record.booking.status == Booking.Status.CANCELLED  # step 2 closes it
    ):
        return None
    booking = record.booking
    records.close(record, Outcome.DONE, now=now)
    # Charged the day after the session's end, whenever the sweep ran.
    item = records.bill(
        record, BillableItem.Kind.SESSION, amount_cents=booking.price_cents, now=booking.end
    )
    if booking.status == Booking.Status.CONFIRMED:
        booking_services.booking_mark_completed(booking=booking, by=None)
    session_event(record, SessionEventKind.AUTO_COMPLETED, end=booking.end.isoformat())
    return SweepChange("auto_completed", booking.pk, f"billable on {item.billable_on}")


def _remind(record_id: int, now) -> SweepChange | None:
    record = _lock(record_id)
    if (
        record is None
        or not record.is_pending
        or record.next_reminder_at is None
        or record.next_reminder_at > now
        or rules.deadline_passed(record.declaration_deadline, now)
    ):
        return None
    record.next_reminder_at = rules.next_reminder_at(record.booking.start, after=now)
    record.save(update_fields=["next_reminder_at"])
    days_left = rules.days_left_to_declare(record.declaration_deadline, now)
    session_event(record, SessionEventKind.REMINDER_SENT, days_left=days_left)
    notifications.tell_pro_reminder(record, days_left=days_left)
    return SweepChange("reminded", record.booking_id, f"{days_left} day(s) left")


_STEPS = {
    "opened": _open,
    "closed_with_booking": _close_with_booking,
    "billing_cancelled": _cancel_billing,
    "auto_completed": _auto_complete,
    "reminded": _remind,
}


def _would(action: str, row, now) -> SweepChange:
    if action == "opened":
        return SweepChange(action, row.pk, "")
    return SweepChange(action, row.booking_id, "")


def checkin_sweep(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int | None = None,
    max_batches: int = 20,
) -> list[SweepChange]:
    """Run every step once as of `now` (default: the clock); return what changed, or with
    `dry_run` what would change (nothing written)."""
    now = now or clock.now()
    batch = batch or settings.CHECKIN_SWEEP_BATCH
    changes: list[SweepChange] = []
    for action, queryset in _due_queries(now).items():
        if dry_run:
            changes += [_would(action, row, now) for row in queryset[: batch * max_batches]]
            continue
        seen: set[int] = set()
        for _round in range(max_batches):
            ids = list(queryset.exclude(pk__in=seen).values_list("pk", flat=True)[:batch])
            for pk in ids:
                with transaction.atomic():
                    change = _STEPS[action](pk, now)
                if change is not None:
                    changes.append(change)
            seen.update(ids)
            if len(ids) < batch:
                break
    if dry_run:
        blocked = Pro.objects.filter(proposals_blocked_until__lte=now).order_by("pk")
        changes += [
            SweepChange("unblocked", None, pro_id=pk) for pk in blocked.values_list("pk", flat=True)
        ]
    else:
        for pk in pro_services.pro_proposal_blocks_lift_expired(now=now):
            changes.append(SweepChange("unblocked", None, pro_id=pk))
    return changes
