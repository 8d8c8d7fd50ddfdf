"""What the pro web UI's feedback fragments show, built once for the views (htmx answers) and
the template tags (the booking, agenda, settings and public profile pages include them)."""

from core import clock

from . import rules, selectors
from .forms import MessageForm
from .models import Side

# How often the booking page asks for new messages (seconds): a few cheap queries.
POLL_SECONDS = 5
# The thread shows the latest messages; older ones stay in the API's pages.
THREAD_SHOWN = 50


def thread_context(booking, *, now=None) -> dict:
    """The conversation list: newest last on screen (rendered newest first: the list is a
    column-reverse flex box, so it stays scrolled to the bottom without a script)."""
    now = now or clock.now()
    latest = list(selectors.thread_for(booking).order_by("-created_at", "-id")[:THREAD_SHOWN])
    is_open = rules.conversation_is_open(booking, now=now)
    return {
        "booking": booking,
        "messages_newest_first": latest,
        "is_open": is_open,
        "poll_seconds": POLL_SECONDS,
        "closes_at": rules.conversation_closes_at(booking),
        "pro_side": Side.PRO,
    }


def panel_context(booking, *, now=None, form=None, error=None, masked=()) -> dict:
    """The booking page's messages panel: the thread, the form, the report and support links."""
    return {
        **thread_context(booking, now=now),
        "form": form or MessageForm(auto_id=f"b{booking.pk}_%s"),
        "error": error,
        "masked": masked,
        "max_length": rules.MESSAGE_MAX_LENGTH,
    }


def unread_for_request(request) -> dict[int, int]:
    """{booking id: unread customer messages} of the signed-in pro, computed once per request
    (the agenda asks for each row)."""
    cached = getattr(request, "_feedback_unread", None)
    if cached is None:
        pro = getattr(request, "pro", None)
        cached = selectors.unread_by_booking_for_pro(pro) if pro is not None else {}
        request._feedback_unread = cached
    return cached


def rating_context(pro) -> dict:
    summary = selectors.rating_summary(pro)
    return {**summary, "shown": rules.shows_public_average(summary["count"])}
