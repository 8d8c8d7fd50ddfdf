"""Every write of check-in, one module per protocol:

records.py        open a session record, keep it in step with its booking, close, bill
declarations.py   the pro's declarations (arrival, late, changed, absent, no-show, ...)
cancellations.py  customer, pro and support cancellations, fees, fee waivers
sweep.py          the 5-day rule, sessions closing by themselves, reminders
"""

from .cancellations import booking_customer_cancel, booking_support_cancel, fee_waive
from .declarations import declaration_make
from .records import session_record_open
from .sweep import SweepChange, checkin_sweep

__all__ = [
    "SweepChange",
    "booking_customer_cancel",
    "booking_support_cancel",
    "checkin_sweep",
    "declaration_make",
    "fee_waive",
    "session_record_open",
]
