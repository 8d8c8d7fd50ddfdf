"""What the pro web UI's check-in fragments show, built once for the views (htmx answers)
and the template tags (the dashboard and booking pages include the fragments)."""

from core import clock

from . import rules, selectors
from .forms import DeclarationForm
from .models import Declaration

# Kinds that need a value: they open a small form; the others are one tap.
WITH_VALUES = (Declaration.LATE, Declaration.CHANGED, Declaration.PRO_CANCELS)
# One-tap kinds that end the session for good ask for a confirmation first.
CONFIRMED_TAPS = (Declaration.NO_SHOW, Declaration.CUSTOMER_WANTS_TO_CANCEL)


def session_panel_context(booking, *, now=None, error=None, form=None) -> dict:
    """The booking page's check-in panel: state, times, the declaration menu, fees."""
    now = now or clock.now()
    record = selectors.session_for(booking)
    allowed = rules.allowed_declarations(record=record, now=now) if record else []
    today = clock.paris_date(now)
    billables = list(record.billables.order_by("id")) if record and record.pk else []
    start = booking.start
    labels = dict(Declaration.choices)
    return {
        "booking": booking,
        "record": record,
        "now": now,
        "error": error,
        "form": form or DeclarationForm(initial={"start": start, "end": booking.end}),
        "allowed": allowed,
        "taps": [(k, labels[k]) for k in allowed if k not in WITH_VALUES + CONFIRMED_TAPS],
        "confirmed_taps": [(k, labels[k]) for k in allowed if k in CONFIRMED_TAPS],
        "labels": labels,
        "check_in_opens_at": rules.check_in_opens_at(start),
        "check_in_open": now >= rules.check_in_opens_at(start),
        "may_leave_at": rules.may_leave_at(start),
        "may_leave": now >= rules.may_leave_at(start),
        "deadline_day": rules.last_day_to_declare(record.declaration_deadline) if record else None,
        "days_left": rules.days_left_to_declare(record.declaration_deadline, now) if record else 0,
        "billables": [(item, rules.fee_waivable(item, today=today)) for item in billables],
        "timeline": selectors.session_timeline(record) if record and record.pk else [],
    }


def home_context(pro, *, now=None) -> dict:
    """The dashboard's check-in block: arrival cards, and how many sessions await a
    declaration (with a link to the list)."""
    now = now or clock.now()
    cards = selectors.arrival_cards_for(pro, now=now)
    return {
        "now": now,
        "cards": [arrival_card_context(record, now=now) for record in cards],
        "to_declare_count": selectors.sessions_to_declare_for(pro, now=now).count(),
    }


def arrival_card_context(record, *, now, error=None) -> dict:
    return {
        "record": record,
        "booking": record.booking,
        "error": error,
        "can_arrive": Declaration.ARRIVAL in rules.allowed_declarations(record=record, now=now),
    }


def to_declare_rows(pro, *, now=None) -> list[dict]:
    now = now or clock.now()
    return [
        {
            "record": record,
            "booking": record.booking,
            "days_left": rules.days_left_to_declare(record.declaration_deadline, now),
            "last_day": rules.last_day_to_declare(record.declaration_deadline),
        }
        for record in selectors.sessions_to_declare_for(pro, now=now)
    ]
