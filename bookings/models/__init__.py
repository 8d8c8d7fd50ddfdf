"""Booking requests, the proposals the dispatch engine sends, counter-offers, bookings and
the request's timeline.

Travel buffer and the exclusion constraint: a booking stores both its `period` (the session
itself, shown in agendas) and `busy` = [start, end + DISPATCH_TRAVEL_BUFFER), the time the pro
is taken including the way to the next customer. The exclusion constraint is on `busy`, so the
database itself guarantees a travel gap between two sessions of one pro (two busy ranges
overlap exactly when the sessions are closer than the buffer, whichever comes first). The
buffer is snapshotted per booking: changing the setting applies to new bookings only.
"""

# One module per concern; everything is re-exported here, so `from bookings.models import X`
# keeps working (the models' app is `bookings` whatever the module). Imported in the order the
# models were defined in the single module, so the app registry lists them as before.
# isort: skip_file
from .requests import BookingRequest
from .proposals import CounterOffer, Proposal
from .bookings import Booking
from .timeline import BookingEvent
from .favourites import Favorite
from .support import FlaggedBookingRequest

__all__ = [
    "BookingRequest",
    "Proposal",
    "CounterOffer",
    "Booking",
    "BookingEvent",
    "Favorite",
    "FlaggedBookingRequest",
]
