"""Every write of the bookings app: booking requests, the dispatch engine, proposals,
counter-offers, bookings, favourites.

Each transition: one transaction; rows locked in a fixed order (request, then proposal or
counter-offer, then booking); state re-checked under the lock (already done -> return,
no longer allowed -> DomainError); a BookingEvent in the same transaction; in-app
notifications written with the transition (their e-mails and the Celery wake-ups run on
commit). The web dashboard, the API, the admin, the tasks and the commands all call these.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.utils import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg.errors import DeadlockDetected

from core import clock
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleRefused
from core.i18n import language_of
from core.money import format_eur
from notifications.services import notify

from . import selectors
from .models import Booking, BookingEvent, BookingRequest, CounterOffer, Favorite, Proposal

logger = logging.getLogger(__name__)

Status = BookingRequest.Status

# Wake-ups further away than this are left to the sweep (the broker's visibility timeout
# must stay above every countdown we enqueue).
MAX_WAKE_COUNTDOWN = timedelta(hours=1, minutes=5)


# --- errors -----------------------------------------------------------------------------------


class TooLateToBook(RuleRefused):
    code = "too_late_to_book"
    default_message = gettext_lazy("Sessions must be booked at least 2 hours before they start.")


class NoProInArea(RuleRefused):
    code = "no_pro_in_area"
    default_message = gettext_lazy("No pro works at this address yet.")


class PaymentMethodRequired(RuleRefused):
    code = "payment_method_required"
    default_message = gettext_lazy("Save a payment card before booking.")


class SlotUnavailable(RuleRefused):
    code = "slot_unavailable"
    default_message = gettext_lazy("This pro is not available at that time.")


class FavoriteNotAllowed(RuleRefused):
    code = "favorite_not_allowed"
    default_message = gettext_lazy("Only a pro who served you can be a favourite.")


class ProposalUnavailable(Conflict):
    code = "proposal_unavailable"
    default_message = gettext_lazy("This proposal is no longer available.")


class AgendaConflict(Conflict):
    code = "agenda_conflict"
    default_message = gettext_lazy("This session overlaps another one in the agenda.")


class ProUnavailable(Conflict):
    code = "pro_unavailable"
    default_message = gettext_lazy("This pro can no longer take sessions.")


class RequestUnavailable(Conflict):
    code = "request_unavailable"
    default_message = gettext_lazy("This request can no longer be changed.")


class CounterOfferUnavailable(Conflict):
    code = "counter_offer_unavailable"
    default_message = gettext_lazy("This proposed time is no longer available.")


class NotYourCustomer(NotAllowed):
    code = "not_your_customer"
    default_message = gettext_lazy("You can only set up sessions for customers you have served.")


# --- helpers ----------------------------------------------------------------------------------


def _event(request, kind: str, *, actor=None, booking=None, **data) -> BookingEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return BookingEvent.objects.create(
        request=request, booking=booking, actor=actor, kind=kind, data=data, created_at=clock.now()
    )


def _lock_request(pk) -> BookingRequest:
    return BookingRequest.objects.select_for_update().get(pk=pk)


def _wake(request_id: int, *, at: datetime | None = None, now: datetime | None = None) -> None:
    """Enqueue a dispatch wake-up for the request once the transaction commits. Only a
    wake-up: the due time is in the row and the sweep makes it certain."""
    now = now or clock.now()
    countdown = 0.0 if at is None else max(0.0, (at - now).total_seconds())
    if countdown > MAX_WAKE_COUNTDOWN.total_seconds():
        return
    from . import tasks

    transaction.on_commit(lambda: tasks.publish_dispatch(request_id, countdown))


def _check_aware(moment, field="start"):
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise InvalidInput(fields={field: [_("Give a date and time with its UTC offset.")]})


def _when(moment: datetime) -> str:
    return clock.to_paris(moment).strftime("%d/%m/%Y %H:%M")


def _notify(user, kind, title, body="", url="", **data):
    with translation.override(language_of(user)):
        return notify(user=user, kind=kind, title=str(title), body=str(body), url=url, data=data)


def _notify_pro_new(proposal: Proposal, request: BookingRequest):
    with translation.override(language_of(proposal.pro.user)):
        title = _("New proposal: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
        body = _("Net amount for you: %(net)s. Answer before %(expires)s.") % {
            "net": format_eur(request.pro_net_cents, translation.get_language()),
            "expires": _when(proposal.expires_at),
        }
    _notify(
        proposal.pro.user,
        "proposal_new",
        title,
        body,
        "/pro/",
        proposal=proposal.pk,
        request=request.pk,
    )


def _notify_pro_gone(proposal_or_counter, request: BookingRequest, *, cancelled: bool):
    with translation.override(language_of(proposal_or_counter.pro.user)):
        if cancelled:
            kind, title = "proposal_cancelled", _("Request cancelled: %(service)s on %(when)s")
        else:
            kind, title = "proposal_taken", _("No longer available: %(service)s on %(when)s")
        title = title % {"service": request.service.name, "when": _when(request.start)}
    _notify(proposal_or_counter.pro.user, kind, title, "", "/pro/", request=request.pk)


def _notify_customer(request: BookingRequest, kind: str, title, body=""):
    _notify(request.customer.user, kind, title, body, "", request=request.pk)


def _withdraw_open(
    request: BookingRequest,
    *,
    now,
    cancelled: bool,
    actor=None,
    keep=None,
    only_pro=None,
    reason="",
) -> int:
    """Withdraw the request's sent proposals and lapse its open counter-offers (telling
    each pro), except `keep`; only `only_pro`'s when given. Rows are locked after the request
    (fixed order). Returns how many were withdrawn or lapsed."""
    extra = {"reason": reason} if reason else {}
    pro_filter = {"pro": only_pro} if only_pro is not None else {}
    count = 0
    for proposal in (
        request.proposals.select_for_update(of=("self",))
        .filter(status=Proposal.Status.SENT, **pro_filter)
        .select_related("pro__user")
        .order_by("pk")
    ):
        if isinstance(keep, Proposal) and proposal.pk == keep.pk:
            continue
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.answered_at = now
        proposal.save(update_fields=["status", "answered_at"])
        _event(
            request,
            "proposal_withdrawn",
            actor=actor,
            proposal=proposal.pk,
            pro=proposal.pro_id,
            **extra,
        )
        _notify_pro_gone(proposal, request, cancelled=cancelled)
        count += 1
    for counter in (
        request.counter_offers.select_for_update(of=("self",))
        .filter(status=CounterOffer.Status.OPEN, **pro_filter)
        .select_related("pro__user")
        .order_by("pk")
    ):
        if isinstance(keep, CounterOffer) and counter.pk == keep.pk:
            continue
        counter.status = CounterOffer.Status.LAPSED
        counter.answered_at = now
        counter.save(update_fields=["status", "answered_at"])
        _event(
            request,
            "counter_offer_lapsed",
            actor=actor,
            counter_offer=counter.pk,
            pro=counter.pro_id,
            **extra,
        )
        _notify_pro_gone(counter, request, cancelled=cancelled)
        count += 1
    return count


def _book(request: BookingRequest, *, pro, start: datetime, end: datetime, now) -> Booking:
    """Insert the booking; the exclusion constraint is the last guard against overlaps.

    The pro's row is locked first (FOR NO KEY UPDATE, after the request and proposal), so two
    bookings for one pro are inserted one after the other: concurrent inserts into an
    exclusion constraint could otherwise deadlock instead of failing cleanly."""
    from pros.models import Pro

    status = (
        Pro.objects.select_for_update(no_key=True)
        .filter(pk=pro.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status == Pro.Status.SUSPENDED:  # re-checked under the lock: `pro` may be stale
        raise ProUnavailable()
    busy_end = end + settings.DISPATCH_TRAVEL_BUFFER
    try:
        with transaction.atomic():
            return Booking.objects.create(
                request=request,
                pro=pro,
                customer_id=request.customer_id,
                service_id=request.service_id,
                address_id=request.address_id,
                start=start,
                end=end,
                period=DateTimeTZRange(start, end, "[)"),
                busy=DateTimeTZRange(start, busy_end, "[)"),
                price_cents=request.price_cents,
                pro_net_cents=request.pro_net_cents,
                platform_share_cents=request.platform_share_cents,
                created_at=now,
            )
    except IntegrityError as exc:
        raise AgendaConflict() from exc
    except (
        OperationalError
    ) as exc:  # belt and braces: a deadlock on the constraint is a conflict too
        if isinstance(exc.__cause__, DeadlockDetected):
            raise AgendaConflict() from exc
        raise


def _confirm(request: BookingRequest, booking: Booking, *, now, actor=None, keep=None) -> None:
    _withdraw_open(request, now=now, cancelled=False, actor=actor, keep=keep)
    request.status = Status.CONFIRMED
    request.next_dispatch_at = None
    request.flagged_at = None
    request.closed_at = now
    request.save(update_fields=["status", "next_dispatch_at", "flagged_at", "closed_at"])
    _event(
        request,
        "booking_confirmed",
        actor=actor,
        booking=booking,
        pro=booking.pro_id,
        start=booking.start.isoformat(),
        end=booking.end.isoformat(),
    )
    with translation.override(language_of(request.customer.user)):
        title = _("Booking confirmed: %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(booking.start),
        }
        body = _("%(pro)s will come to your home.") % {"pro": booking.pro.user.first_name}
    _notify_customer(request, "request_accepted", title, body)


def _close_unfulfilled(request: BookingRequest, *, now, reason: str) -> None:
    _withdraw_open(request, now=now, cancelled=True)
    request.status = Status.UNFULFILLED
    request.next_dispatch_at = None
    request.closed_at = now
    request.save(update_fields=["status", "next_dispatch_at", "closed_at"])
    _event(request, "request_unfulfilled", reason=reason)
    with translation.override(language_of(request.customer.user)):
        title = _("No pro available for %(service)s on %(when)s") % {
            "service": request.service.name,
            "when": _when(request.start),
        }
        body = _("We could not find a pro for your request. Nothing will be charged.")
    _notify_customer(request, "no_pro_found", title, body)


def _customer_may_book(customer) -> None:
    from customers.selectors import ensure_can_book

    ensure_can_book(customer)


def _customer_has_card(customer) -> bool:
    from customers.selectors import has_payment_method

    return has_payment_method(customer)


def _check_lead(start: datetime, now: datetime) -> None:
    if start < now + settings.BOOKING_MIN_LEAD:
        raise TooLateToBook()


def _pro_may_work(pro) -> bool:
    """Not suspended (bonus proposals and a pro's own sessions ignore the other settings)."""
    from pros.models import Pro

    return not Pro.objects.filter(pk=pro.pk, status=Pro.Status.SUSPENDED).exists()


def _pro_usable(pro) -> bool:
    from pros.services import pro_is_dispatchable

    return pro_is_dispatchable(pro) and pro.suspended_at is None


def price_snapshot(service) -> dict:
    """The prices a request and its booking keep, whatever the catalogue becomes later."""
    pricing = service.pricing()
    return {
        "price_cents": pricing.customer_price_cents,
        "pro_net_cents": pricing.pro_net_cents,
        "platform_share_cents": pricing.platform_share_cents,
    }


# --- booking requests -------------------------------------------------------------------------


def booking_request_create(
    *,
    customer,
    service,
    address,
    start: datetime,
    notes: str = "",
    pro=None,
    fallback_to_others: bool = False,
    link: str = "",
    actor=None,
) -> BookingRequest:
    """A customer's request. Refusals in this order: blacklisted (403), bad input (400
    invalid), no card, less than BOOKING_MIN_LEAD ahead, nobody covers the address (or, for
    an exclusive request, the pro is not free then). Dispatch starts on commit."""
    _customer_may_book(customer)
    _check_aware(start)
    if service is None or not service.is_active:
        raise InvalidInput(fields={"service": [_("Unknown service.")]})
    if address is None or address.customer_id != customer.pk or address.deleted_at is not None:
        raise InvalidInput(fields={"address": [_("Unknown address.")]})
    if len(notes or "") > 1000:
        raise InvalidInput(fields={"notes": [_("At most 1000 characters.")]})
    if pro is not None:
        allowed = selectors.pro_served_customer(pro=pro, customer=customer) or (
            bool(link) and link == pro.slug and pro.has_personal_link
        )
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
    if not _customer_has_card(customer):
        raise PaymentMethodRequired()
    now = clock.now()
    _check_lead(start, now)
    end = start + timedelta(minutes=service.duration_minutes)
    if pro is not None:
        offers = pro.services.filter(pk=service.pk).exists()
        if not (
            offers and _pro_usable(pro) and selectors.pro_is_free(pro=pro, start=start, end=end)
        ):
            raise SlotUnavailable()
    elif not selectors.zone_has_pro(cell=address.h3_cell):
        raise NoProInArea()

    with transaction.atomic():
        request = BookingRequest.objects.create(
            customer=customer,
            service=service,
            address=address,
            start=start,
            end=end,
            notes=notes or "",
            **price_snapshot(service),
            exclusive_pro=pro,
            fallback_to_others=bool(fallback_to_others) if pro is not None else False,
            booking_deadline=start - settings.BOOKING_MIN_LEAD,
            next_dispatch_at=now,
            created_at=now,
        )
        _event(
            request,
            "request_created",
            actor=actor or customer.user,
            service=service.pk,
            start=start.isoformat(),
            exclusive_pro=pro.pk if pro else None,
            fallback_to_others=request.fallback_to_others,
            price_cents=request.price_cents,
        )
        _wake(request.pk, now=now)
    return request


def booking_request_advance(
    *, request_id: int, skip_locked: bool = False, only_if_due: bool = False
) -> bool:
    """One step of the engine for one request (tasks and the sweep call it; safe to repeat):
    expire due proposals, close at the booking deadline, top the wave up to the policy's
    size with the next candidates, flag the request when nobody is left, and store the next
    due time. Returns whether the request was processed."""
    with transaction.atomic():
        queryset = BookingRequest.objects.select_for_update(skip_locked=skip_locked).filter(
            pk=request_id
        )
        request = queryset.select_related(None).first()
        if request is None:
            return False
        now = clock.now()
        if request.status not in BookingRequest.OPEN_STATUSES:
            if request.next_dispatch_at is not None:
                request.next_dispatch_at = None
                request.save(update_fields=["next_dispatch_at"])
            return True
        has_expired = request.proposals.filter(
            status=Proposal.Status.SENT, expires_at__lte=now
        ).exists()
        if (
            only_if_due
            and not has_expired
            and not (request.next_dispatch_at and request.next_dispatch_at <= now)
        ):
            return False

        for proposal in (
            request.proposals.select_for_update()
            .filter(status=Proposal.Status.SENT, expires_at__lte=now)
            .order_by("pk")
        ):
            proposal.status = Proposal.Status.EXPIRED
            proposal.save(update_fields=["status"])
            _event(
                request,
                "proposal_expired",
                proposal=proposal.pk,
                pro=proposal.pro_id,
                is_bonus=proposal.is_bonus,
            )

        if request.status == Status.AWAITING_CUSTOMER:
            if now >= request.booking_deadline:
                request.status = Status.CANCELLED
                request.cancel_reason = "not_confirmed_in_time"
                request.next_dispatch_at = None
                request.closed_at = now
                request.save(
                    update_fields=["status", "cancel_reason", "next_dispatch_at", "closed_at"]
                )
                _event(request, "request_lapsed")
                with translation.override(language_of(request.exclusive_pro.user)):
                    title = _("Not confirmed in time: %(service)s on %(when)s") % {
                        "service": request.service.name,
                        "when": _when(request.start),
                    }
                _notify(
                    request.exclusive_pro.user,
                    "proposal_cancelled",
                    title,
                    "",
                    "/pro/",
                    request=request.pk,
                )
            else:
                request.next_dispatch_at = request.booking_deadline
                request.save(update_fields=["next_dispatch_at"])
            return True

        if now >= request.booking_deadline:
            _close_unfulfilled(request, now=now, reason="deadline")
            return True

        wave = selectors.wave_for(start=request.start, now=now)
        holding = request.proposals.filter(status=Proposal.Status.SENT, is_bonus=False).count()
        sent = []
        if holding < wave.size:
            for candidate in selectors.candidates_for(request, limit=wave.size - holding, now=now):
                proposal = Proposal.objects.create(
                    request=request,
                    pro_id=candidate.pro_id,
                    sent_at=now,
                    expires_at=now + wave.answer_time,
                )
                sent.append(proposal)
                _event(
                    request,
                    "proposal_sent",
                    proposal=proposal.pk,
                    pro=candidate.pro_id,
                    rank=candidate.rank,
                    score=candidate.score,
                    distance_m=candidate.distance_m,
                    expires_at=proposal.expires_at.isoformat(),
                    wave_size=wave.size,
                    answer_seconds=int(wave.answer_time.total_seconds()),
                )
        if sent:
            for proposal in Proposal.objects.filter(pk__in=[p.pk for p in sent]).select_related(
                "pro__user"
            ):
                _notify_pro_new(proposal, request)
            if request.flagged_at is not None:
                request.flagged_at = None
        elif holding == 0:
            exclusive_only = request.exclusive_pro_id and not request.fallback_to_others
            if exclusive_only:
                if not request.counter_offers.filter(status=CounterOffer.Status.OPEN).exists():
                    _close_unfulfilled(request, now=now, reason="exclusive_pro_unavailable")
                    return True
            elif request.flagged_at is None:
                request.flagged_at = now
                _event(request, "request_flagged", reason="no_candidate_left")

        next_expiry = (
            request.proposals.filter(status=Proposal.Status.SENT)
            .order_by("expires_at")
            .values_list("expires_at", flat=True)
            .first()
        )
        request.next_dispatch_at = min(filter(None, [next_expiry, request.booking_deadline]))
        request.save(update_fields=["next_dispatch_at", "flagged_at"])
        if next_expiry is not None and sent:
            _wake(request.pk, at=next_expiry, now=now)
        return True


def dispatch_sweep(*, batch: int | None = None, max_batches: int = 20) -> int:
    """Process every due request in SKIP LOCKED batches (each request in its own
    transaction, so an accept in progress is never waited for). Returns how many ran."""
    batch = batch or settings.DISPATCH_SWEEP_BATCH
    processed = 0
    for _round in range(max_batches):
        ids = selectors.due_request_ids(now=clock.now(), limit=batch)
        done = 0
        for request_id in ids:
            try:
                if booking_request_advance(
                    request_id=request_id, skip_locked=True, only_if_due=True
                ):
                    done += 1
            except Exception:  # one broken request must not stop the others; it stays due
                logger.exception("dispatch step failed for request %s", request_id)
        processed += done
        if len(ids) < batch or done == 0:
            break
    return processed


def booking_request_cancel(*, request: BookingRequest, by, reason: str = "") -> BookingRequest:
    """Cancel a request before it is confirmed (customer or support). Pros holding a
    proposal are told; open counter-offers lapse."""
    with transaction.atomic():
        request = _lock_request(request.pk)
        if request.status == Status.CANCELLED:
            return request
        if request.status not in BookingRequest.OPEN_STATUSES:
            raise RequestUnavailable()
        now = clock.now()
        _withdraw_open(request, now=now, cancelled=True, actor=by)
        request.status = Status.CANCELLED
        request.cancel_reason = (reason or "")[:200]
        request.next_dispatch_at = None
        request.flagged_at = None
        request.closed_at = now
        request.save(
            update_fields=["status", "cancel_reason", "next_dispatch_at", "flagged_at", "closed_at"]
        )
        _event(request, "request_cancelled", actor=by, reason=request.cancel_reason)
        if request.origin == BookingRequest.Origin.PRO and request.exclusive_pro_id:
            with translation.override(language_of(request.exclusive_pro.user)):
                title = _("Request cancelled: %(service)s on %(when)s") % {
                    "service": request.service.name,
                    "when": _when(request.start),
                }
            _notify(
                request.exclusive_pro.user,
                "proposal_cancelled",
                title,
                "",
                "/pro/",
                request=request.pk,
            )
        return request


def booking_request_redispatch(*, request: BookingRequest, by) -> BookingRequest:
    """Support: take a flagged request out of the queue and look for candidates again now."""
    with transaction.atomic():
        request = _lock_request(request.pk)
        if request.status != Status.DISPATCHING:
            raise RequestUnavailable()
        now = clock.now()
        request.flagged_at = None
        request.next_dispatch_at = now
        request.save(update_fields=["flagged_at", "next_dispatch_at"])
        _event(request, "request_redispatched", actor=by)
        _wake(request.pk, now=now)
        return request


def booking_request_send_bonus(*, request: BookingRequest, pros, by) -> list[Proposal]:
    """Support: send the request to chosen pros outside their settings (zone, hours,
    services). Bonus proposals do not take a place in the wave and count for neither score
    nor fairness; the booking still has to fit the pro's agenda when they accept."""
    with transaction.atomic():
        request = _lock_request(request.pk)
        now = clock.now()
        if request.status != Status.DISPATCHING or now >= request.booking_deadline:
            raise RequestUnavailable()
        wave = selectors.wave_for(start=request.start, now=now)
        asked = set(request.proposals.values_list("pro_id", flat=True))
        created = []
        for pro in sorted({p.pk: p for p in pros}.values(), key=lambda p: p.pk):
            if pro.pk in asked or not _pro_may_work(pro):
                continue
            proposal = Proposal.objects.create(
                request=request,
                pro=pro,
                is_bonus=True,
                sent_at=now,
                expires_at=now + wave.answer_time,
            )
            created.append(proposal)
            _event(
                request,
                "proposal_sent",
                actor=by,
                proposal=proposal.pk,
                pro=pro.pk,
                is_bonus=True,
                expires_at=proposal.expires_at.isoformat(),
                answer_seconds=int(wave.answer_time.total_seconds()),
            )
            _notify_pro_new(proposal, request)
        if created:
            expiry = now + wave.answer_time
            request.next_dispatch_at = min(filter(None, [request.next_dispatch_at, expiry]))
            request.save(update_fields=["next_dispatch_at"])
            _wake(request.pk, at=expiry, now=now)
        return created


# --- proposals (pro side) ---------------------------------------------------------------------


def _lock_proposal_for(proposal, pro) -> tuple[BookingRequest, Proposal]:
    request = _lock_request(proposal.request_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.pro_id != pro.pk:
        raise NotFound()
    return request, proposal


def _answerable(request: BookingRequest, proposal: Proposal, now) -> bool:
    return (
        proposal.status == Proposal.Status.SENT
        and proposal.expires_at > now
        and request.status == Status.DISPATCHING
        and now < request.booking_deadline
    )


def proposal_accept(*, proposal: Proposal, pro) -> Booking:
    """First accept wins: under the request lock the proposal must still be open; the booking
    insert is guarded by the exclusion constraint (409 agenda_conflict, and the proposal's
    place goes to the next pro at once); the other proposals are withdrawn ("no longer
    available") and the customer told."""
    with transaction.atomic():
        request, proposal = _lock_proposal_for(proposal, pro)
        if proposal.status == Proposal.Status.ACCEPTED:
            return request.booking
        now = clock.now()
        if not _answerable(request, proposal, now):
            raise ProposalUnavailable()
        try:
            booking = _book(request, pro=pro, start=request.start, end=request.end, now=now)
        except ProUnavailable as exc:
            raise ProposalUnavailable() from exc
        except AgendaConflict:
            # The pro can never take this one: free their place now rather than at expiry.
            proposal.status = Proposal.Status.WITHDRAWN
            proposal.answered_at = now
            proposal.save(update_fields=["status", "answered_at"])
            _event(
                request,
                "proposal_withdrawn",
                actor=pro.user,
                proposal=proposal.pk,
                pro=pro.pk,
                reason="agenda_conflict",
            )
            request.next_dispatch_at = now
            request.save(update_fields=["next_dispatch_at"])
            _wake(request.pk, now=now)
        else:
            proposal.status = Proposal.Status.ACCEPTED
            proposal.answered_at = now
            proposal.save(update_fields=["status", "answered_at"])
            _event(
                request,
                "proposal_accepted",
                actor=pro.user,
                proposal=proposal.pk,
                pro=pro.pk,
                is_bonus=proposal.is_bonus,
            )
            _confirm(request, booking, now=now, actor=pro.user)
            return booking
    raise AgendaConflict()  # after the withdrawal above has committed


def proposal_refuse(*, proposal: Proposal, pro) -> Proposal:
    """Refusing never lowers the score; the place goes to the next candidate at once."""
    with transaction.atomic():
        request, proposal = _lock_proposal_for(proposal, pro)
        if proposal.status == Proposal.Status.REFUSED:
            return proposal
        now = clock.now()
        if proposal.status != Proposal.Status.SENT or request.status != Status.DISPATCHING:
            raise ProposalUnavailable()
        proposal.status = Proposal.Status.REFUSED
        proposal.answered_at = now
        proposal.save(update_fields=["status", "answered_at"])
        _event(
            request,
            "proposal_refused",
            actor=pro.user,
            proposal=proposal.pk,
            pro=pro.pk,
            is_bonus=proposal.is_bonus,
        )
        request.next_dispatch_at = now
        request.save(update_fields=["next_dispatch_at"])
        _wake(request.pk, now=now)
        return proposal


def proposal_counter(*, proposal: Proposal, pro, start: datetime) -> CounterOffer:
    """Propose another time. It obeys the 2-hour rule and the pro's agenda; the proposal's
    place goes to the next candidate at once while the customer decides."""
    _check_aware(start)
    with transaction.atomic():
        request, proposal = _lock_proposal_for(proposal, pro)
        if proposal.status == Proposal.Status.COUNTERED:
            counter = proposal.counter_offer
            if counter.start == start:
                return counter
            raise ProposalUnavailable()
        now = clock.now()
        if not _answerable(request, proposal, now):
            raise ProposalUnavailable()
        if start == request.start:
            raise InvalidInput(
                fields={"start": [_("Propose a different time, or accept the request.")]}
            )
        _check_lead(start, now)
        end = start + (request.end - request.start)
        if selectors.pro_busy_overlaps(pro=pro, start=start, end=end):
            raise AgendaConflict()
        proposal.status = Proposal.Status.COUNTERED
        proposal.answered_at = now
        proposal.save(update_fields=["status", "answered_at"])
        counter = CounterOffer.objects.create(
            proposal=proposal, request=request, pro=pro, start=start, end=end, created_at=now
        )
        _event(
            request,
            "proposal_countered",
            actor=pro.user,
            proposal=proposal.pk,
            pro=pro.pk,
            counter_offer=counter.pk,
            start=start.isoformat(),
        )
        with translation.override(language_of(request.customer.user)):
            title = _("%(pro)s proposes another time: %(when)s") % {
                "pro": pro.user.first_name,
                "when": _when(start),
            }
            body = _("Accept it or decline it in the app; we keep looking meanwhile.")
        _notify_customer(request, "counter_offer", title, body)
        request.next_dispatch_at = now
        request.save(update_fields=["next_dispatch_at"])
        _wake(request.pk, now=now)
        return counter


# --- counter-offers (customer side) -----------------------------------------------------------


def _lock_counter_for(counter_offer, customer) -> tuple[BookingRequest, CounterOffer]:
    request = _lock_request(counter_offer.request_id)
    if request.customer_id != customer.pk:
        raise NotFound()
    Proposal.objects.select_for_update().filter(pk=counter_offer.proposal_id).first()
    counter = CounterOffer.objects.select_for_update().get(pk=counter_offer.pk)
    return request, counter


def counter_offer_accept(*, counter_offer: CounterOffer, customer) -> Booking:
    """The pro's other time becomes the booking if the pro is still free; the request closes."""
    with transaction.atomic():
        request, counter = _lock_counter_for(counter_offer, customer)
        if counter.status == CounterOffer.Status.ACCEPTED:
            return request.booking
        if (
            counter.status != CounterOffer.Status.OPEN
            or request.status not in BookingRequest.OPEN_STATUSES
        ):
            raise CounterOfferUnavailable()
        _customer_may_book(customer)
        now = clock.now()
        _check_lead(counter.start, now)
        if not _customer_has_card(customer):
            raise PaymentMethodRequired()
        booking = _book(request, pro=counter.pro, start=counter.start, end=counter.end, now=now)
        counter.status = CounterOffer.Status.ACCEPTED
        counter.answered_at = now
        counter.save(update_fields=["status", "answered_at"])
        _event(
            request,
            "counter_offer_accepted",
            actor=customer.user,
            counter_offer=counter.pk,
            pro=counter.pro_id,
        )
        _confirm(request, booking, now=now, actor=customer.user, keep=counter)
        with translation.override(language_of(counter.pro.user)):
            title = _("Your proposed time was accepted: %(service)s on %(when)s") % {
                "service": request.service.name,
                "when": _when(counter.start),
            }
        _notify(counter.pro.user, "counter_offer_accepted", title, "", "/pro/", booking=booking.pk)
        return booking


def counter_offer_decline(*, counter_offer: CounterOffer, customer) -> CounterOffer:
    with transaction.atomic():
        request, counter = _lock_counter_for(counter_offer, customer)
        if counter.status == CounterOffer.Status.DECLINED:
            return counter
        if counter.status != CounterOffer.Status.OPEN:
            raise CounterOfferUnavailable()
        now = clock.now()
        counter.status = CounterOffer.Status.DECLINED
        counter.answered_at = now
        counter.save(update_fields=["status", "answered_at"])
        _event(
            request,
            "counter_offer_declined",
            actor=customer.user,
            counter_offer=counter.pk,
            pro=counter.pro_id,
        )
        with translation.override(language_of(counter.pro.user)):
            title = _("Your proposed time was declined: %(service)s") % {
                "service": request.service.name
            }
        _notify(counter.pro.user, "counter_offer_declined", title, "", "/pro/", request=request.pk)
        if request.status == Status.DISPATCHING:
            request.next_dispatch_at = now
            request.save(update_fields=["next_dispatch_at"])
            _wake(request.pk, now=now)
        return counter


# --- sessions set up by a pro -----------------------------------------------------------------


def pro_session_propose(
    *, pro, customer, service, address, start: datetime, notes: str = ""
) -> BookingRequest:
    """A pro sets up a new session for a customer they served; it waits in
    `awaiting_customer` until the customer confirms or declines it (or its deadline passes)."""
    _check_aware(start)
    if not _pro_may_work(pro):
        raise ProUnavailable()
    if not selectors.pro_served_customer(pro=pro, customer=customer):
        raise NotYourCustomer()
    _customer_may_book(customer)
    if service is None or not service.is_active or not pro.services.filter(pk=service.pk).exists():
        raise InvalidInput(fields={"service": [_("Choose one of your services.")]})
    if address is None or address.customer_id != customer.pk or address.deleted_at is not None:
        raise InvalidInput(fields={"address": [_("Unknown address.")]})
    now = clock.now()
    _check_lead(start, now)
    end = start + timedelta(minutes=service.duration_minutes)
    if selectors.pro_busy_overlaps(pro=pro, start=start, end=end):
        raise AgendaConflict()
    with transaction.atomic():
        request = BookingRequest.objects.create(
            customer=customer,
            service=service,
            address=address,
            start=start,
            end=end,
            notes=notes or "",
            **price_snapshot(service),
            status=Status.AWAITING_CUSTOMER,
            origin=BookingRequest.Origin.PRO,
            exclusive_pro=pro,
            booking_deadline=start - settings.BOOKING_MIN_LEAD,
            next_dispatch_at=start - settings.BOOKING_MIN_LEAD,
            created_at=now,
        )
        _event(request, "session_proposed", actor=pro.user, pro=pro.pk, start=start.isoformat())
        with translation.override(language_of(request.customer.user)):
            title = _("%(pro)s proposes a new session: %(service)s on %(when)s") % {
                "pro": pro.user.first_name,
                "service": service.name,
                "when": _when(start),
            }
            body = _("Confirm it or decline it in the app.")
        _notify_customer(request, "session_proposed", title, body)
        return request


def booking_request_confirm(*, request: BookingRequest, customer) -> Booking:
    """The customer confirms a session their pro set up."""
    with transaction.atomic():
        request = _lock_request(request.pk)
        if request.customer_id != customer.pk:
            raise NotFound()
        if request.status == Status.CONFIRMED and request.origin == BookingRequest.Origin.PRO:
            return request.booking
        if request.status != Status.AWAITING_CUSTOMER:
            raise RequestUnavailable()
        _customer_may_book(customer)
        if not _customer_has_card(customer):
            raise PaymentMethodRequired()
        now = clock.now()
        _check_lead(request.start, now)
        pro = request.exclusive_pro
        booking = _book(request, pro=pro, start=request.start, end=request.end, now=now)
        request.status = Status.CONFIRMED
        request.next_dispatch_at = None
        request.closed_at = now
        request.save(update_fields=["status", "next_dispatch_at", "closed_at"])
        _event(
            request,
            "booking_confirmed",
            actor=customer.user,
            booking=booking,
            pro=pro.pk,
            start=booking.start.isoformat(),
            end=booking.end.isoformat(),
        )
        with translation.override(language_of(pro.user)):
            title = _("Session confirmed by the customer: %(service)s on %(when)s") % {
                "service": request.service.name,
                "when": _when(request.start),
            }
        _notify(pro.user, "session_confirmed", title, "", "/pro/", booking=booking.pk)
        return booking


def booking_request_decline(*, request: BookingRequest, customer) -> BookingRequest:
    """The customer declines a session their pro set up."""
    with transaction.atomic():
        request = _lock_request(request.pk)
        if request.customer_id != customer.pk:
            raise NotFound()
        if request.status == Status.CANCELLED and request.cancel_reason == "declined_by_customer":
            return request
        if request.status != Status.AWAITING_CUSTOMER:
            raise RequestUnavailable()
        now = clock.now()
        request.status = Status.CANCELLED
        request.cancel_reason = "declined_by_customer"
        request.next_dispatch_at = None
        request.closed_at = now
        request.save(update_fields=["status", "cancel_reason", "next_dispatch_at", "closed_at"])
        _event(request, "session_declined", actor=customer.user)
        with translation.override(language_of(request.exclusive_pro.user)):
            title = _("Session declined by the customer: %(service)s on %(when)s") % {
                "service": request.service.name,
                "when": _when(request.start),
            }
        _notify(
            request.exclusive_pro.user, "session_declined", title, "", "/pro/", request=request.pk
        )
        return request


# --- bookings ---------------------------------------------------------------------------------


def booking_cancel(*, booking: Booking, by, reason: str = "") -> Booking:
    """Support cancels a confirmed booking (fees come with the session-lifecycle work). The
    pro's agenda slot is freed (cancelled bookings leave the exclusion constraint)."""
    with transaction.atomic():
        request = _lock_request(booking.request_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("pro__user")
            .get(pk=booking.pk)
        )
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if booking.status != Booking.Status.CONFIRMED:
            raise RequestUnavailable()
        now = clock.now()
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        request.status = Status.CANCELLED
        request.cancel_reason = (reason or "")[:200]
        request.closed_at = now
        request.save(update_fields=["status", "cancel_reason", "closed_at"])
        _event(
            request, "booking_cancelled", actor=by, booking=booking, reason=request.cancel_reason
        )
        with translation.override(language_of(booking.pro.user)):
            title = _("Session cancelled: %(service)s on %(when)s") % {
                "service": request.service.name,
                "when": _when(booking.start),
            }
        _notify(booking.pro.user, "booking_cancelled", title, "", "/pro/", booking=booking.pk)
        with translation.override(language_of(request.customer.user)):
            title = _("Session cancelled: %(service)s on %(when)s") % {
                "service": request.service.name,
                "when": _when(booking.start),
            }
        _notify_customer(request, "booking_cancelled", title)
        return booking


def booking_mark_completed(*, booking: Booking, by=None) -> Booking:
    """Mark a session done and count it for the pro (which unlocks their personal link)."""
    from pros.services import pro_record_completed_session

    with transaction.atomic():
        request = _lock_request(booking.request_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == Booking.Status.COMPLETED:
            return booking
        if booking.status != Booking.Status.CONFIRMED:
            raise RequestUnavailable()
        booking.status = Booking.Status.COMPLETED
        booking.completed_at = clock.now()
        booking.save(update_fields=["status", "completed_at"])
        _event(request, "booking_completed", actor=by, booking=booking)
        pro_record_completed_session(pro=booking.pro)
        return booking


def pro_proposals_withdraw(*, pro, by=None) -> int:
    """On suspension: withdraw the pro's open proposals, lapse their open counter-offers (each
    freed place goes to the next candidate at once) and cancel the sessions they set up that
    await the customer. Returns how many were closed."""
    request_ids = sorted(
        set(
            Proposal.objects.filter(pro=pro, status=Proposal.Status.SENT).values_list(
                "request_id", flat=True
            )
        )
        | set(
            CounterOffer.objects.filter(pro=pro, status=CounterOffer.Status.OPEN).values_list(
                "request_id", flat=True
            )
        )
    )
    withdrawn = 0
    for request_id in request_ids:
        with transaction.atomic():
            request = _lock_request(request_id)  # request before proposal, as everywhere
            now = clock.now()
            withdrawn += _withdraw_open(
                request, now=now, cancelled=False, actor=by, only_pro=pro, reason="pro_unavailable"
            )
            if request.status == Status.DISPATCHING:
                request.next_dispatch_at = now
                request.save(update_fields=["next_dispatch_at"])
                _wake(request.pk, now=now)
    # Sessions the pro set up and the customer has not confirmed yet can no longer happen.
    for request in BookingRequest.objects.filter(
        origin=BookingRequest.Origin.PRO, exclusive_pro=pro, status=Status.AWAITING_CUSTOMER
    ).order_by("pk"):
        booking_request_cancel(request=request, by=by, reason="pro_unavailable")
        withdrawn += 1
    return withdrawn


# --- favourites -------------------------------------------------------------------------------


def favorite_add(*, customer, pro) -> Favorite:
    if not selectors.pro_served_customer(pro=pro, customer=customer):
        raise FavoriteNotAllowed()
    favorite, _created = Favorite.objects.get_or_create(customer=customer, pro=pro)
    return favorite


def favorite_remove(*, customer, pro) -> bool:
    deleted, _rows = Favorite.objects.filter(customer=customer, pro=pro).delete()
    return bool(deleted)
