"""Booking requests: a customer's request (dispatch starts on commit), its cancellation, and
the sessions a pro sets up for a customer they served, which the customer confirms or
declines."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock, metrics
from core.errors import InvalidInput, NotAllowed, NotFound
from core.text import clean_text
from customers.models import Customer
from customers.selectors import ensure_can_book, has_payment_method
from pros.models import Pro
from pros.selectors import personal_link_opens

from .. import events, notifications
from ..closing import close_request, withdraw_open
from ..dispatch.candidates import zone_has_pro
from ..dispatch.wakeups import wake
from ..errors import (
    AgendaConflict,
    DuplicateRequest,
    NoProInArea,
    NotYourCustomer,
    PaymentMethodRequired,
    ProUnavailable,
    RequestUnavailable,
    SlotUnavailable,
)
from ..locking import lock_request
from ..models import Booking, BookingRequest
from ..rules import booking_deadline, check_aware, check_horizon, check_lead
from ..selectors.agenda import pro_busy_overlaps, pro_is_free
from ..selectors.customer import pro_served_customer
from .bookings import book

Status = BookingRequest.Status


# The exclusion constraint on BookingRequest: one open request per home (customer, address)
# and time.
ONE_OPEN_PER_HOME_AND_TIME = "request_one_open_per_home_and_time"


def insert_open_request(*, recoverable: bool = True, **fields) -> BookingRequest:
    """Insert an open request. The database refuses a second open request of the customer at
    the same address with an overlapping time (a retried POST, a double tap, two devices):
    409 `duplicate_request`. Any other integrity error is a bug and goes up as is.
    `recoverable=False` when the caller's transaction ends with that error anyway (no
    savepoint: two round trips less); a caller that goes on after it keeps the default."""
    try:
        with transaction.atomic(savepoint=recoverable):
            return BookingRequest.objects.create(**fields)
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) == ONE_OPEN_PER_HOME_AND_TIME:
            raise DuplicateRequest() from exc
        raise


def customer_ensure_may_book(*, customer) -> None:
    """Refuse (403 customer_blacklisted) a customer who may not book. The API calls it before
    validating the input, so that refusal comes first there too."""
    ensure_can_book(customer)


def lock_customer_for_new_request(customer) -> None:
    """Step 0 of bookings.locking, the account: the customer's user row, then their customer
    row, FOR NO KEY UPDATE; then re-check on those fresh rows that they may still book.
    Account closure (privacy.erasure: both rows FOR UPDATE, same order) and blacklisting (the
    customer row FOR UPDATE) end the customer's open requests under those locks, so a new
    request is either inserted before them (and they end it) or refused after them: 403
    `account_closed` / `customer_blacklisted`. The caller's `customer` may be stale."""
    is_active = (
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=customer.user_id)
        .values_list("is_active", flat=True)
        .first()
    )
    fresh = Customer.objects.select_for_update(no_key=True).get(pk=customer.pk)
    if not is_active:
        raise NotAllowed(_("Ce compte est fermé."), code="account_closed")
    ensure_can_book(fresh)


def _check_address(address, customer) -> None:
    if address is None or address.customer_id != customer.pk or address.deleted_at is not None:
        raise InvalidInput(fields={"address": [_("Unknown address.")]})


def customer_ensure_card(*, customer) -> None:
    """Refuse (payment_method_required) a customer without a saved card."""
    if not has_payment_method(customer):
        raise PaymentMethodRequired()


def _check_direct_booking(*, pro, customer, link: str) -> None:
    """A customer books a pro directly after a session with them or through their link."""
    allowed = pro_served_customer(pro=pro, customer=customer) or personal_link_opens(link, pro)
    if not allowed or pro.user_id == customer.user_id:
        raise InvalidInput(
            fields={
                "pro": [
                    _(
                        "You can book this pro directly only after a session with them or through their personal link."
                    )
                ]
            }
        )


def booking_request_create(
    *,
    customer,
    service,
    address,
    start: datetime,
    notes: str = "",
    access_details: str = "",
    pro=None,
    fallback_to_others: bool = False,
    link: str = "",
    actor=None,
) -> BookingRequest:
    """A customer's request. Refusals in this order: blacklisted (403), bad input (400
    invalid), no card, less than BOOKING_MIN_LEAD ahead, nobody covers the address (or, for
    an exclusive request, the pro is not free then), and last, from the database, an open
    request of the customer at this address overlapping it (409 duplicate_request: a retried
    POST). Dispatch starts on commit."""
    customer_ensure_may_book(customer=customer)
    check_aware(start)
    if service is None or not service.is_active:
        raise InvalidInput(fields={"service": [_("Unknown service.")]})
    _check_address(address, customer)
    notes = clean_text(notes, field="notes")
    if len(notes) > BookingRequest.NOTES_MAX_LENGTH:
        raise InvalidInput(
            fields={
                "notes": [
                    _("At most %(count)d characters.") % {"count": BookingRequest.NOTES_MAX_LENGTH}
                ]
            }
        )
    access_details = clean_text(
        access_details,
        field="access_details",
        max_length=BookingRequest.ACCESS_DETAILS_MAX_LENGTH,
    )
    if pro is not None:
        _check_direct_booking(pro=pro, customer=customer, link=link)
    customer_ensure_card(customer=customer)
    now = clock.now()
    check_horizon(start, now)
    check_lead(start, now)
    end = start + timedelta(minutes=service.duration_minutes)
    if pro is not None:
        offers = pro.services.filter(pk=service.pk).exists()
        if not (offers and pro.is_dispatchable and pro_is_free(pro=pro, start=start, end=end)):
            raise SlotUnavailable()
    elif not zone_has_pro(cell=address.h3_cell):
        raise NoProInArea()

    with transaction.atomic():
        lock_customer_for_new_request(customer)
        request = insert_open_request(
            recoverable=False,
            customer=customer,
            service=service,
            address=address,
            start=start,
            end=end,
            notes=notes or "",
            access_details=access_details,
            **service.price_snapshot(),
            exclusive_pro=pro,
            fallback_to_others=bool(fallback_to_others) if pro is not None else False,
            booking_deadline=booking_deadline(start),
            next_dispatch_at=now,
            created_at=now,
        )
        events.request_created(request=request, actor=actor or customer.user, exclusive_pro=pro)
        metrics.request_created(request)
        wake(request.pk, now=now)
    return request


def booking_request_cancel(
    *, request: BookingRequest, by, reason: str = "", tell_pro: bool = True
) -> BookingRequest:
    """Cancel a request before it is confirmed (customer or support). Pros holding a
    proposal are told; open counter-offers lapse. The pro who set up the session is told too,
    unless `tell_pro` is False (their own suspension: its notice says it all)."""
    reason = clean_text(reason, field="reason")[:200]
    with transaction.atomic():
        request = lock_request(request.pk)
        if request.status == Status.CANCELLED:
            return request
        if not request.is_open:
            raise RequestUnavailable()
        now = clock.now()
        withdraw_open(request, now=now, cancelled=True, actor=by)
        close_request(request, status=Status.CANCELLED, now=now, cancel_reason=reason or "")
        events.request_cancelled(request=request, actor=by)
        if request.origin == BookingRequest.Origin.PRO and request.exclusive_pro_id:
            if tell_pro:
                notifications.tell_pro_session_request_cancelled(request)
            if getattr(by, "pk", None) != request.customer.user_id:  # not their own decision
                notifications.tell_customer_session_withdrawn(request)
        return request


# --- sessions set up by a pro -----------------------------------------------------------------


def pro_session_propose(
    *, pro, customer, service, address, start: datetime, notes: str = ""
) -> BookingRequest:
    """A pro sets up a new session for a customer they served; it waits in
    `awaiting_customer` until the customer confirms or declines it (or its deadline passes)."""
    notes = clean_text(notes, field="notes")[: BookingRequest.NOTES_MAX_LENGTH]
    check_aware(start)
    if not Pro.objects.may_work().filter(pk=pro.pk).exists():  # fresh: `pro` may be stale
        raise ProUnavailable()
    if not pro_served_customer(pro=pro, customer=customer):
        raise NotYourCustomer()
    customer_ensure_may_book(customer=customer)
    if service is None or not service.is_active or not pro.services.filter(pk=service.pk).exists():
        raise InvalidInput(fields={"service": [_("Choose one of your services.")]})
    _check_address(address, customer)
    now = clock.now()
    check_horizon(start, now)
    check_lead(start, now)
    end = start + timedelta(minutes=service.duration_minutes)
    if pro_busy_overlaps(pro=pro, start=start, end=end):
        raise AgendaConflict()
    with transaction.atomic():
        lock_customer_for_new_request(customer)
        deadline = booking_deadline(start)
        request = insert_open_request(
            customer=customer,
            service=service,
            address=address,
            start=start,
            end=end,
            notes=notes or "",
            **service.price_snapshot(),
            status=Status.AWAITING_CUSTOMER,
            origin=BookingRequest.Origin.PRO,
            exclusive_pro=pro,
            booking_deadline=deadline,
            next_dispatch_at=deadline,
            created_at=now,
        )
        events.session_proposed(request=request, pro=pro)
        notifications.tell_customer_session_proposed(request)
        return request


def _lock_own_request(request: BookingRequest, customer) -> BookingRequest:
    request = lock_request(request.pk)
    if request.customer_id != customer.pk:
        raise NotFound()
    return request


def booking_request_confirm(*, request: BookingRequest, customer) -> Booking:
    """The customer confirms a session their pro set up."""
    with transaction.atomic():
        request = _lock_own_request(request, customer)
        if request.status == Status.CONFIRMED and request.origin == BookingRequest.Origin.PRO:
            return request.booking
        if request.status != Status.AWAITING_CUSTOMER:
            raise RequestUnavailable()
        customer_ensure_may_book(customer=customer)
        customer_ensure_card(customer=customer)
        now = clock.now()
        check_lead(request.start, now)
        booking = book(
            request, pro=request.exclusive_pro, start=request.start, end=request.end, now=now
        )
        close_request(request, status=Status.CONFIRMED, now=now)
        events.booking_confirmed(request=request, booking=booking, actor=customer.user)
        notifications.tell_pro_session_confirmed(request, booking)
        return booking


def booking_request_decline(*, request: BookingRequest, customer) -> BookingRequest:
    """The customer declines a session their pro set up."""
    with transaction.atomic():
        request = _lock_own_request(request, customer)
        if request.status == Status.CANCELLED and request.cancel_reason == "declined_by_customer":
            return request
        if request.status != Status.AWAITING_CUSTOMER:
            raise RequestUnavailable()
        now = clock.now()
        close_request(
            request, status=Status.CANCELLED, now=now, cancel_reason="declined_by_customer"
        )
        events.session_declined(request=request, actor=customer.user)
        notifications.tell_pro_session_declined(request)
        return request
