"""What checkin hears from the apps below it (they never import checkin)."""

import logging

from . import services

logger = logging.getLogger(__name__)


def open_record_on_confirmation(sender, booking, **kwargs):
    """bookings sends `booking_confirmed` on commit: open the session record now. A failure
    here must not break the confirmation that already committed: the sweep (every minute)
    opens any record that is missing."""
    try:
        services.session_record_open(booking=booking)
    except Exception:
        logger.exception("session record not opened for booking %s (the sweep will)", booking.pk)
