"""Every write of the bookings app, one module per protocol:

  requests.py        a customer's request and its cancellation; sessions a pro sets up
                     for a customer, confirmed or declined by the customer
  proposals.py       a pro's answers: accept (first accept wins), refuse, another time
  counter_offers.py  the customer's answers to another time
  bookings.py        the booking insert, the confirmation, a move, the cancellation, completion
  replacement.py     a request sent again to other pros after its pro cancelled
  suspension.py      what a pro's suspension does to their open work
  favorites.py       a customer's favourite pros

Each transition: one transaction; rows locked in the order of `bookings.locking`; state
re-checked under the lock (already done -> return, no longer allowed -> DomainError, from
`bookings.errors`); its timeline event (`bookings.events`) in the same transaction; its
messages (`bookings.notifications`) written with it, e-mails and Celery wake-ups on commit.
The dispatch engine is `bookings.dispatch`.

The public names are re-exported here, so callers write `from bookings import services` and
`services.proposal_accept(...)` / `services.ProposalUnavailable` whatever module holds them.
"""

from ..dispatch.engine import (
    booking_request_advance,
    booking_request_redispatch,
    booking_request_send_bonus,
    dispatch_sweep,
)
from ..dispatch.wakeups import MAX_WAKE_COUNTDOWN
from ..errors import (
    AgendaConflict,
    CounterOfferUnavailable,
    FavoriteNotAllowed,
    NoProInArea,
    NotYourCustomer,
    PaymentMethodRequired,
    ProposalUnavailable,
    ProUnavailable,
    RequestUnavailable,
    SlotUnavailable,
    TooLateToBook,
)
from .access_details import booking_request_access_details_set
from .bookings import booking_cancel, booking_mark_completed, booking_reschedule
from .counter_offers import counter_offer_accept, counter_offer_decline
from .favorites import favorite_add, favorite_remove
from .proposals import proposal_accept, proposal_counter, proposal_refuse
from .replacement import booking_request_replace
from .requests import (
    booking_request_cancel,
    booking_request_confirm,
    booking_request_create,
    booking_request_decline,
    customer_ensure_card,
    customer_ensure_may_book,
    pro_session_propose,
)
from .suspension import pro_proposals_withdraw

__all__ = [
    "MAX_WAKE_COUNTDOWN",
    "AgendaConflict",
    "CounterOfferUnavailable",
    "FavoriteNotAllowed",
    "NoProInArea",
    "NotYourCustomer",
    "PaymentMethodRequired",
    "ProUnavailable",
    "ProposalUnavailable",
    "RequestUnavailable",
    "SlotUnavailable",
    "TooLateToBook",
    "booking_cancel",
    "booking_mark_completed",
    "booking_reschedule",
    "booking_request_access_details_set",
    "booking_request_advance",
    "booking_request_cancel",
    "booking_request_confirm",
    "booking_request_create",
    "booking_request_decline",
    "booking_request_redispatch",
    "booking_request_replace",
    "booking_request_send_bonus",
    "counter_offer_accept",
    "counter_offer_decline",
    "customer_ensure_card",
    "customer_ensure_may_book",
    "dispatch_sweep",
    "favorite_add",
    "favorite_remove",
    "pro_proposals_withdraw",
    "pro_session_propose",
    "proposal_accept",
    "proposal_counter",
    "proposal_refuse",
]
