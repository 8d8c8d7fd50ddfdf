"""When an account may be closed: the rules, as pure reads (no write), shared by the API, the
pro page (shown before the person confirms) and the service (re-checked under the lock).

What forbids closing (each a reason the person reads, and support too):

- customer, closing it themselves:
  * a session has started and is not closed yet (its price is not settled);
  * a future session would cost a cancellation fee now (closing never charges anything by
    itself: the customer cancels it first, seeing the fee, or closes after it);
  * a charge is still running (billable, being charged or retried): the money of a session
    that happened is settled first (usually the next morning).
  Support closing a customer cancels future sessions without a fee (like a blacklisting), so
  only the first and third rules apply to support.
- pro (themselves or support):
  * a past session still awaits their declaration (it decides what is billed and earned);
  * money is owed to them and not paid yet (earnings or fees not in a paid payout, a payout
    held, on its way or failed): paying needs the bank details that closing erases. They close
    once their last payout has arrived.
- a staff account is closed by a superuser only (core's rule for support's account work).

A failed-for-good charge does not block: the platform carries the risk of unpaid charges
(README, Money) and keeps the charge and the booking for its accounts.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from bookings.models import Booking
from checkin import rules as checkin_rules
from checkin.models import BillableItem, Outcome, SessionRecord
from core import clock
from payouts.models import Charge, LedgerEntry, Payout

UNSETTLED_PAYOUT = (
    Payout.Status.HELD,
    Payout.Status.PENDING,
    Payout.Status.SENDING,
    Payout.Status.SENT,
    Payout.Status.FAILED,
)


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


def _started_unsettled(**who) -> bool:
    return SessionRecord.objects.filter(
        outcome=Outcome.PENDING,
        booking__status=Booking.Status.CONFIRMED,
        booking__start__lte=clock.now(),
        **who,
    ).exists()


def future_fee_bookings(customer, *, now) -> list[Booking]:
    """Future confirmed sessions that the customer would pay a fee to cancel now."""
    bookings = Booking.objects.filter(
        customer=customer, status=Booking.Status.CONFIRMED, start__gt=now
    ).order_by("start")
    return [
        booking
        for booking in bookings
        if checkin_rules.customer_fee_at(
            price_cents=booking.price_cents,
            start=booking.start,
            booked_at=booking.created_at,
            now=now,
        )
        > 0
    ]


def customer_blockers(customer, *, by_support: bool = False) -> list[Blocker]:
    now = clock.now()
    found = []
    if _started_unsettled(booking__customer=customer):
        found.append(
            Blocker(
                "session_in_progress",
                _("Une séance a commencé et n'est pas encore clôturée par le pro."),
            )
        )
    if not by_support and future_fee_bookings(customer, now=now):
        found.append(
            Blocker(
                "cancellation_fee",
                _(
                    "Une séance à venir coûterait des frais d'annulation : annulez-la d'abord"
                    " (les frais s'affichent) ou fermez votre compte après elle."
                ),
            )
        )
    uncharged = BillableItem.objects.filter(
        booking__customer=customer, waived_at__isnull=True, amount_cents__gt=0
    ).filter(
        Q(charge__isnull=True) | Q(charge__status__in=[Charge.Status.DUE, Charge.Status.PROCESSING])
    )
    if uncharged.exists():
        found.append(
            Blocker(
                "charge_pending",
                _(
                    "Un paiement est en cours pour une séance passée. Vous pourrez fermer votre"
                    " compte une fois réglé (en général le lendemain matin)."
                ),
            )
        )
    return found


def pro_blockers(pro) -> list[Blocker]:
    found = []
    if _started_unsettled(booking__pro=pro):
        found.append(
            Blocker(
                "declaration_pending",
                _("Déclarez d'abord vos séances passées (elles décident de ce qui est payé)."),
            )
        )
    owed = (
        LedgerEntry.objects.unpaid().filter(pro=pro).exists()
        or Payout.objects.filter(pro=pro, status__in=UNSETTLED_PAYOUT).exists()
        or BillableItem.objects.filter(
            booking__pro=pro,
            waived_at__isnull=True,
            pro_share_cents__gt=0,
            ledger_entry__isnull=True,
        ).exists()
    )
    if owed:
        found.append(
            Blocker(
                "payout_pending",
                _(
                    "Nous vous devons encore de l'argent. Vous pourrez fermer votre compte une"
                    " fois votre dernier versement arrivé (il a besoin de votre IBAN)."
                ),
            )
        )
    return found


def account_blockers(user, *, by_support: bool = False) -> list[Blocker]:
    """Everything that forbids closing `user`'s account now (empty: it may be closed)."""
    from customers.models import Customer
    from pros.models import Pro

    found = []
    customer = Customer.objects.filter(user=user).first()
    if customer is not None:
        found += customer_blockers(customer, by_support=by_support)
    pro = Pro.objects.filter(user=user).first()
    if pro is not None:
        found += pro_blockers(pro)
    return found
