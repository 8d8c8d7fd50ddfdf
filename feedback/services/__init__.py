"""Every write of talking, rating and reporting, one module per protocol:

messages.py   a booking's conversation (masking, limits, read marks)
support.py    conversations with support (write, answer, close, reopen)
reviews.py    the invitation, the customer's rating, support hiding a review
reports.py    reports by pros and customers, support's dismiss / warn / blacklist
blacklist.py  what blacklisting a customer cancels (the customers signal's receiver)
"""

from .blacklist import (
    blacklisted_work_sweep,
    customer_blacklisted_received,
    customer_open_work_cancel,
)
from .messages import message_send, thread_mark_read
from .reports import (
    report_blacklist,
    report_by_customer,
    report_by_pro,
    report_dismiss,
    report_warn,
)
from .reviews import (
    review_create,
    review_hide,
    review_invitation_send,
    review_invitations_send_due,
)
from .support import (
    support_answer,
    support_close,
    support_message_send,
    support_reopen,
    support_thread_mark_read,
)

__all__ = [
    "blacklisted_work_sweep",
    "customer_blacklisted_received",
    "customer_open_work_cancel",
    "message_send",
    "report_blacklist",
    "report_by_customer",
    "report_by_pro",
    "report_dismiss",
    "report_warn",
    "review_create",
    "review_hide",
    "review_invitation_send",
    "review_invitations_send_due",
    "support_answer",
    "support_close",
    "support_message_send",
    "support_reopen",
    "support_thread_mark_read",
    "thread_mark_read",
]
