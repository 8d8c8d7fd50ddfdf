"""Every non-trivial read of the bookings app, one module per audience:

  agenda.py    a pro's agenda: free slots, overlaps, bookings in time order
  customer.py  what a customer sees: requests, bookings, past and favourite pros
  pro.py       the pro dashboard and booking pages
  support.py   support's queue and timelines, the requests due for the engine

The dispatch engine's reads (the candidate query, the wave policy) live in
`bookings.dispatch`; they are re-exported here with the rest, so callers keep writing
`from bookings import selectors` and `selectors.candidates_for(...)`.
"""

from ..dispatch.candidates import (
    FAIRNESS_WINDOW,
    RANK_EXCLUSIVE,
    RANK_FAVORITE,
    RANK_OTHER,
    RANK_PAST,
    Candidate,
    bonus_candidates_for,
    candidates_for,
    zone_has_pro,
)
from ..dispatch.policy import Wave, wave_for
from .agenda import (
    SLOT_STEP,
    SLOTS_MAX_RANGE,
    agenda_for,
    bookings_for_pro,
    past_bookings_for_pro,
    pro_busy_overlaps,
    pro_free_slots,
    pro_is_free,
    pro_works_at,
)
from .customer import (
    booking_requests_for_customer,
    bookings_for_customer,
    favorites_for,
    past_pros_for,
    pro_served_customer,
)
from .pro import (
    DASHBOARD_MAX_CARDS,
    booking_timeline_for_pro,
    open_proposals_capped,
    open_proposals_for,
    past_customers_for,
    pro_proposals_by_ids,
    pro_sessions_awaiting_customer,
)
from .support import flagged_requests, open_counter_offers, timeline_for

__all__ = [
    "FAIRNESS_WINDOW",
    "RANK_EXCLUSIVE",
    "RANK_FAVORITE",
    "RANK_OTHER",
    "RANK_PAST",
    "SLOTS_MAX_RANGE",
    "SLOT_STEP",
    "Candidate",
    "Wave",
    "agenda_for",
    "bonus_candidates_for",
    "booking_requests_for_customer",
    "booking_timeline_for_pro",
    "bookings_for_customer",
    "bookings_for_pro",
    "candidates_for",
    "favorites_for",
    "flagged_requests",
    "open_counter_offers",
    "open_proposals_for",
    "open_proposals_capped",
    "DASHBOARD_MAX_CARDS",
    "past_bookings_for_pro",
    "past_customers_for",
    "past_pros_for",
    "pro_busy_overlaps",
    "pro_free_slots",
    "pro_is_free",
    "pro_proposals_by_ids",
    "pro_served_customer",
    "pro_sessions_awaiting_customer",
    "pro_works_at",
    "timeline_for",
    "wave_for",
    "zone_has_pro",
]
