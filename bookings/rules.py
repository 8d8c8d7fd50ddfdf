"""Pure rules of the bookings domain, shared by the services, the dispatch engine and the
views (so the web UI never keeps a second copy of a rule). No queries, no writes.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.errors import InvalidInput

from .errors import TooLateToBook
from .models import BookingRequest, Proposal


def proposal_is_answerable(proposal: Proposal, request: BookingRequest, now: datetime) -> bool:
    """A pro may still accept (or counter) the proposal: it is open and not expired, and its
    request is still looking for a pro before its booking deadline."""
    return (
        proposal.status == Proposal.Status.SENT
        and proposal.expires_at > now
        and request.status == BookingRequest.Status.DISPATCHING
        and now < request.booking_deadline
    )


def is_bookable_lead(start: datetime, now: datetime) -> bool:
    """A session may be booked only BOOKING_MIN_LEAD (2 hours) or more before it starts."""
    return start >= now + settings.BOOKING_MIN_LEAD


def check_lead(start: datetime, now: datetime) -> None:
    """Refuse (too_late_to_book) a session that starts too soon to be booked."""
    if not is_bookable_lead(start, now):
        raise TooLateToBook()


# --- the booking horizon: how far ahead a time may be -----------------------------------------
# One rule for the API field, the web forms and the services. Besides being the product rule,
# the bound keeps date arithmetic (end = start + duration, + buffers) far from year 9999.
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
HORIZON_MESSAGES = {
    "too_early": gettext_lazy("Too far in the past."),
    "too_far": gettext_lazy("Too far in the future."),
}


def horizon_problem(moment: datetime, now: datetime) -> str | None:
    """None when `moment` lies between 2000 and BOOKING_MAX_AHEAD (a year) from `now`; else
    the key of HORIZON_MESSAGES that says why not ("too_early" or "too_far")."""
    if moment < EARLIEST_MOMENT:
        return "too_early"
    if moment > now + settings.BOOKING_MAX_AHEAD:
        return "too_far"
    return None


def check_horizon(moment: datetime, now: datetime, field: str = "start") -> None:
    """Refuse (400 invalid, on `field`) a time outside the booking horizon."""
    problem = horizon_problem(moment, now)
    if problem:
        raise InvalidInput(fields={field: [str(HORIZON_MESSAGES[problem])]})


def booking_deadline(start: datetime) -> datetime:
    """The last moment a session starting at `start` may be confirmed."""
    return start - settings.BOOKING_MIN_LEAD


def check_aware(moment, field: str = "start") -> None:
    """Refuse a datetime without a UTC offset (every time in the domain is aware)."""
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise InvalidInput(fields={field: [_("Give a date and time with its UTC offset.")]})


def wall_clock_slot(*, start: datetime, end: datetime) -> dict | None:
    """A slot as working hours see it: Paris weekday, wall-clock times and day, plus the end
    of the time the pro is taken (travel buffer included). None when the slot spans two
    Paris days (no working-hours row can cover it)."""
    local_start, local_end = clock.to_paris(start), clock.to_paris(end)
    if local_end.date() != local_start.date():
        return None
    return {
        "weekday": local_start.weekday(),
        "from_time": local_start.time(),
        "to_time": local_end.time(),
        "day": local_start.date(),
        "start": start,
        "busy_end": end + settings.DISPATCH_TRAVEL_BUFFER,
    }


# --- access details (door code, floor, intercom) -----------------------------------------------
# The one rule for who reads a request's access details. Notes go to every pro offered the
# request (on the proposal); access details open a home, so they are shown only to the pro
# booked for it, from acceptance while the booking is confirmed: never on a proposal, never to
# another pro, never in a push, an e-mail or the calendar feed, not in support's admin, and no
# longer once the session is completed or cancelled. Every reader (pro API, booking page) goes
# through here.


def pro_sees_access_details(booking, pro_id: int | None) -> bool:
    """The pro `pro_id` is the booking's pro and the booking is confirmed (not yet completed,
    not cancelled)."""
    return (
        booking is not None
        and pro_id is not None
        and booking.pro_id == pro_id
        and booking.status == booking.Status.CONFIRMED
    )


def access_details_editable(request, booking) -> bool:
    """The customer may change them while the request is open, or booked and confirmed."""
    if request.is_open:
        return True
    return booking is not None and booking.status == booking.Status.CONFIRMED


def access_details_for(booking, pro_id: int | None) -> str:
    """The request's access details when the pro `pro_id` may read them, else ""."""
    if not pro_sees_access_details(booking, pro_id):
        return ""
    return booking.request.access_details
