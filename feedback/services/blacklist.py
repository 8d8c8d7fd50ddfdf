"""What blacklisting a customer does to their open work (the receiver of
customers.signals.customer_blacklisted calls this, on commit of the blacklisting; the sweep
calls it again for any customer it finds with work left, so a lost signal delays nothing by
more than one sweep).

Their open requests are cancelled (pros holding a proposal are told) and their future
bookings cancelled by support without any fee (pros told, slots freed): bookings' and
checkin's own transitions, called downward, one transaction each, in pk order. Unblacklisting
restores booking, not the cancelled sessions.
"""

import logging

from bookings import services as booking_services
from bookings.models import Booking, BookingRequest
from checkin import services as checkin_services
from core import clock
from core.audit import audit
from core.errors import DomainError
from customers.models import Customer

from .. import notifications

logger = logging.getLogger(__name__)

REASON = "customer_blacklisted"
SWEEP_BATCH = 50


def _open_requests(customer):
    return BookingRequest.objects.filter(
        customer=customer, status__in=BookingRequest.OPEN_STATUSES
    ).order_by("pk")


def _future_bookings(customer, now):
    return Booking.objects.filter(
        customer=customer, status=Booking.Status.CONFIRMED, start__gt=now
    ).order_by("pk")


def customer_open_work_cancel(*, customer: Customer, by=None) -> int:
    """Cancel a blacklisted customer's open requests and future bookings; returns how many
    were cancelled now. Does nothing for a customer who is not (or no longer) blacklisted."""
    customer = Customer.objects.select_related("user").get(pk=customer.pk)
    if not customer.is_blacklisted:
        return 0
    now = clock.now()
    cancelled, failed = [], []
    for request in _open_requests(customer):
        try:
            booking_services.booking_request_cancel(request=request, by=by, reason=REASON)
            cancelled.append(f"request:{request.pk}")
        except DomainError as error:  # answered meanwhile: the booking loop below takes it
            failed.append(f"request:{request.pk}:{error.code}")
    for booking in _future_bookings(customer, now):
        try:
            checkin_services.booking_support_cancel(
                booking=booking, by=by, reason=REASON, with_fee=False
            )
            cancelled.append(f"booking:{booking.pk}")
        except DomainError as error:
            failed.append(f"booking:{booking.pk}:{error.code}")
    if failed:
        logger.warning("blacklist of customer %s: not cancelled %s", customer.pk, failed)
    if cancelled:
        audit(
            action="customer.blacklist_cancellations",
            subject=customer,
            actor=by,
            data={"cancelled": cancelled, "failed": failed},
        )
    return len(cancelled)


def customer_blacklisted_received(*, customer: Customer, by=None) -> int:
    """The signal's work: cancel, then tell the customer (once, with what was cancelled)."""
    count = customer_open_work_cancel(customer=customer, by=by)
    notifications.tell_customer_blacklisted(customer, cancelled=count)
    return count


def blacklisted_work_sweep(*, now=None, limit: int = SWEEP_BATCH) -> int:
    """Blacklisted customers who still have open requests or future bookings (the signal
    was lost or failed): cancel again. Returns how many were cancelled."""
    now = now or clock.now()
    ids = set(
        Booking.objects.filter(
            customer__is_blacklisted=True, status=Booking.Status.CONFIRMED, start__gt=now
        ).values_list("customer_id", flat=True)[:limit]
    ) | set(
        BookingRequest.objects.filter(
            customer__is_blacklisted=True, status__in=BookingRequest.OPEN_STATUSES
        ).values_list("customer_id", flat=True)[:limit]
    )
    total = 0
    for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
        total += customer_open_work_cancel(customer=customer)
    return total
