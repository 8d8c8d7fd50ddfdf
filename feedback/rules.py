"""Pure rules of talking, rating and reporting, shared by the services, the API and the pro web
pages (never a second copy of a rule). Contact masking lives in feedback/masking.py.

- A booking's conversation opens when the booking exists (the proposal's acceptance) and
  stays open until 7 days after the session's end (Paris wall-clock); a cancelled booking's
  conversation, and a blacklisted customer's, is read-only.
- A message: 1 to 2,000 characters once trimmed; each sender at most 10 per minute and 60 per
  hour (API and web together).
- A review: 1 to 5, a comment of at most 2,000 characters, only for a completed session.
- The public profile shows the average once at least 3 visible reviews exist.
"""

from datetime import datetime, timedelta

from core import clock

MESSAGE_MAX_LENGTH = 2000
CONVERSATION_OPEN_DAYS_AFTER = 7
# (window, most messages a sender may send in it); checked in order.
MESSAGE_RATE_LIMITS = ((timedelta(minutes=1), 10), (timedelta(hours=1), 60))
SUPPORT_RATE_LIMITS = ((timedelta(minutes=1), 5), (timedelta(hours=1), 30))
REVIEW_COMMENT_MAX_LENGTH = 2000
RATING_MIN, RATING_MAX = 1, 5
PUBLIC_AVERAGE_MIN_REVIEWS = 3
REPORT_DETAILS_MAX_LENGTH = 2000


def conversation_closes_at(booking) -> datetime:
    """The first moment the conversation is read-only: the session's end, 7 days later at the
    same Paris wall-clock time (DST-correct)."""
    end = clock.to_paris(booking.end)
    day = end.date() + timedelta(days=CONVERSATION_OPEN_DAYS_AFTER)
    return clock.paris_datetime(day, end.timetz().replace(tzinfo=None))


def conversation_is_open(booking, *, now: datetime) -> bool:
    """Whether messages may still be written on this booking (reading is always possible)."""
    if booking.status == "cancelled":
        return False
    if getattr(booking.customer, "is_blacklisted", False):
        return False
    return now < conversation_closes_at(booking)


def rate_limit_exceeded(sent_since, *, now: datetime, limits) -> timedelta | None:
    """`sent_since(moment)` counts the sender's messages since `moment`; returns how long to
    wait when a limit is reached, else None."""
    for window, most in limits:
        if sent_since(now - window) >= most:
            return window
    return None


def review_allowed(booking) -> bool:
    return booking.status == "completed"


def shows_public_average(count: int) -> bool:
    return count >= PUBLIC_AVERAGE_MIN_REVIEWS
