"""Pure rules of a confirmed session: no database, no side effects.

When check-in opens, when a pro may leave an absent customer, the 5-day declaration deadline
and the reminders before it, what a pro may declare at a given moment, the customer
cancellation fee schedule, the absence fee and a fee's split between pro and platform, and
the late-cancellation block of pros. Services, views, the API and the templates all ask these
functions, so each rule is written once. Calendar rules go through core.clock (Paris time),
amounts through core.money. Boundaries (documented in the README):

- check-in opens at start - 30 min exactly (inclusive); `done` is accepted from the start;
  `no_show` from start + 30 min exactly (inclusive);
- declarations are accepted while now < declaration_deadline = 00:00 Paris on the 6th day
  after the appointment date (23:59:59 on day 5 is accepted, 00:00 on day 6 is not);
- customer cancellation: free while now <= booked_at + 15 min; otherwise the first tier whose
  lead is reached (lead = start - now >= tier lead): a boundary belongs to the cheaper tier.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import clock, datefmt, money

from .models import BillableItem, Declaration, Outcome

# Declarations made on site: they open with check-in (30 minutes before the start).
ON_SITE = frozenset({Declaration.ARRIVAL, Declaration.LATE, Declaration.CUSTOMER_ABSENT})
# The smallest time step: "just after" a boundary.
TICK = timedelta(microseconds=1)


# --- times --------------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """Arithmetic on aware datetimes sharing a ZoneInfo is wall-clock arithmetic in Python
    (03:15 - 30 min on the spring DST night gives a wall time that never existed): every rule
    computes on UTC instants."""
    return moment.astimezone(UTC)


def check_in_opens_at(start: datetime) -> datetime:
    return _utc(start) - settings.CHECKIN_OPENS_BEFORE


def latest_start_checked_in_at(now: datetime) -> datetime:
    """Sessions starting at or before this moment have their check-in open at `now`."""
    return _utc(now) + settings.CHECKIN_OPENS_BEFORE


def may_leave_at(start: datetime) -> datetime:
    return _utc(start) + settings.CHECKIN_MAY_LEAVE_AFTER


def declaration_deadline(start: datetime) -> datetime:
    """00:00 Paris on the day after the last day to declare (the appointment date + 5 days)."""
    last_day = clock.days_after(start, settings.CHECKIN_DECLARATION_DAYS)
    return clock.start_of_paris_day(last_day + timedelta(days=1))


def last_day_to_declare(deadline: datetime) -> date:
    return clock.paris_date(_utc(deadline) - TICK)


def days_left_to_declare(deadline: datetime, now: datetime) -> int:
    """1 on the last day, 0 once the deadline passed."""
    return max(0, (last_day_to_declare(deadline) - clock.paris_date(now)).days + 1)


def reminder_times(start: datetime) -> list[datetime]:
    hour = time(settings.CHECKIN_REMINDER_HOUR, 0)
    return [
        clock.paris_datetime(clock.days_after(start, days), hour)
        for days in settings.CHECKIN_REMINDER_DAYS
    ]


def next_reminder_at(start: datetime, *, after: datetime | None = None) -> datetime | None:
    """The first reminder strictly after `after` (the first one when None); None when none is
    left. A sweep that ran late sends one reminder, not every one it missed."""
    for moment in reminder_times(start):
        if after is None or moment > after:
            return moment
    return None


def record_times(booking, *, now: datetime | None = None) -> dict:
    """A session record's deadline columns, from its booking's times and category: cleaning
    sessions close by declaration (deadline, reminders), the others at their end."""
    needs_declaration = booking.service.category.is_cleaning
    return {
        "needs_declaration": needs_declaration,
        "declaration_deadline": declaration_deadline(booking.start),
        "closes_at": None if needs_declaration else booking.end,
        "next_reminder_at": next_reminder_at(booking.start, after=now)
        if needs_declaration
        else None,
    }


def billable_on(moment: datetime) -> date:
    """The day payouts may charge what a declaration at `moment` made billable."""
    return clock.day_after(moment)


def deadline_passed(deadline: datetime, now: datetime) -> bool:
    return _utc(now) >= _utc(deadline)


# --- what a pro may declare now --------------------------------------------------------------


def _at(moment: datetime) -> str:
    return datefmt.long_when(moment)


def declaration_refusal(kind: str, *, record, now: datetime) -> str | None:
    """Why `kind` cannot be declared now on `record` (with its booking), or None when it can.
    The deadline is checked apart (its own error code)."""
    booking = record.booking
    now, start, end = _utc(now), _utc(booking.start), _utc(booking.end)
    if record.outcome != Outcome.PENDING:
        return str(
            _("This session is closed: %(outcome)s.") % {"outcome": record.get_outcome_display()}
        )
    if booking.status != "confirmed":
        return str(_("This session was cancelled."))
    if not record.needs_declaration and kind != Declaration.PRO_CANCELS:
        return str(
            _("Check-in is for cleaning sessions: this session closes by itself at its end.")
        )
    opens = check_in_opens_at(start)
    if kind in ON_SITE and now < opens:
        return str(
            _("Check-in opens at %(time)s (30 minutes before the start).") % {"time": _at(opens)}
        )
    if kind == Declaration.LATE and record.arrived_at is not None:
        return str(_("Your arrival is already recorded."))
    if kind == Declaration.LATE and now >= end:
        return str(_("The session is already over."))
    if kind == Declaration.DONE and now < start:
        return str(
            _("The session can be declared done from its start (%(time)s).") % {"time": _at(start)}
        )
    leave = may_leave_at(start)
    if kind == Declaration.NO_SHOW and now < leave:
        return str(
            _("You may leave and declare the absence from %(time)s (30 minutes after the start).")
            % {"time": _at(leave)}
        )
    return None


def already_recorded(kind: str, *, record) -> bool:
    """Declarations that happen once and are then simply acknowledged again (idempotent)."""
    if kind == Declaration.ARRIVAL:
        return record.arrived_at is not None
    if kind == Declaration.CUSTOMER_ABSENT:
        return record.absence_reported_at is not None
    return False


def allowed_declarations(*, record, now: datetime) -> list[str]:
    """The kinds a pro is offered now (those accepted and not already recorded)."""
    if deadline_passed(record.declaration_deadline, now):
        return []
    return [
        kind.value
        for kind in Declaration
        if declaration_refusal(kind, record=record, now=now) is None
        and not already_recorded(kind, record=record)
    ]


# --- fees ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fee:
    amount_cents: int
    pro_share_cents: int
    platform_share_cents: int


def split(amount_cents: int, *, commission_percent) -> Fee:
    """A fee goes to the pro net of the category's pro commission (core.money's rounding)."""
    commission = money.percent_of(amount_cents, commission_percent)
    return Fee(amount_cents, amount_cents - commission, commission)


def _capped(price_cents: int, percent, cap_cents: int) -> int:
    return min(money.percent_of(price_cents, percent), cap_cents)


def absence_fee_cents(price_cents: int) -> int:
    percent, cap = settings.CANCELLATION_ABSENCE_FEE
    return _capped(price_cents, percent, cap)


def customer_fee_at(
    *, price_cents: int, start: datetime, booked_at: datetime, now: datetime
) -> int:
    """The customer-cancellation fee if cancelled at `now`."""
    if _utc(now) <= _utc(booked_at) + settings.CANCELLATION_FREE_AFTER_BOOKING:
        return 0
    lead = _utc(start) - _utc(now)
    for tier_lead, percent, cap in settings.CANCELLATION_FEES:
        if tier_lead is None or lead >= tier_lead:
            return _capped(price_cents, percent, cap)
    return 0  # unreachable: the last tier takes any lead (checked at start-up)


@dataclass(frozen=True)
class CancellationQuote:
    fee_cents: int
    # The last moment this fee holds, then `next_fee_cents` applies; None when it never changes.
    fee_until: datetime | None
    next_fee_cents: int | None


def customer_cancellation_quote(
    *, price_cents: int, start: datetime, booked_at: datetime, now: datetime
) -> CancellationQuote:
    """The fee if the customer cancels now, and when (and to what) it would change."""

    def fee(moment):
        return customer_fee_at(
            price_cents=price_cents, start=start, booked_at=booked_at, now=moment
        )

    start, now = _utc(start), _utc(now)
    current = fee(now)
    boundaries = {_utc(booked_at) + settings.CANCELLATION_FREE_AFTER_BOOKING}
    boundaries |= {start - lead for lead, _p, _c in settings.CANCELLATION_FEES if lead is not None}
    for boundary in sorted(b for b in boundaries if b >= now):
        after = fee(boundary + TICK)
        if after != current:
            return CancellationQuote(current, boundary, after)
    return CancellationQuote(current, None, None)


def customer_may_cancel(record, *, now: datetime) -> bool:
    """A customer may cancel a pending, confirmed session until its end."""
    booking = record.booking
    return (
        record.outcome == Outcome.PENDING
        and booking.status == "confirmed"
        and _utc(now) < _utc(booking.end)
    )


def fee_waivable(item: BillableItem, *, today: date) -> bool:
    """A pro may waive a fee until it is charged (the day it becomes billable)."""
    return item.is_fee and item.waived_at is None and today < item.billable_on


# --- pro cancellations ------------------------------------------------------------------------


def is_late_pro_cancellation(*, start: datetime, now: datetime) -> bool:
    return _utc(start) - _utc(now) < settings.PRO_LATE_CANCEL_LEAD


def redispatch_after_pro_cancellation(*, start: datetime, now: datetime) -> bool:
    return _utc(start) - _utc(now) >= settings.PRO_CANCEL_REDISPATCH_MIN_LEAD


def late_cancel_block_until(late_cancel_times: list[datetime], *, now: datetime) -> datetime | None:
    """3 late cancellations within 30 days (counting the one at `now`) block new proposals for
    48 hours from now; None when under the limit."""
    now = _utc(now)
    since = now - settings.PRO_LATE_CANCEL_WINDOW
    recent = [moment for moment in late_cancel_times if since < _utc(moment) <= now]
    if len(recent) >= settings.PRO_LATE_CANCEL_LIMIT:
        return now + settings.PRO_LATE_CANCEL_BLOCK
    return None
