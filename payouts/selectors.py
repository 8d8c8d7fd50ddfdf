"""Reads of money: a customer's charges, a pro's earnings (next payout, this period, the
last weeks), their payouts and their statement."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, Sum

from core import clock

from . import periods
from .models import Charge, LedgerEntry, Payout, PayoutAccount
from .services.accounts import monthly_days_before_end

_ENTRY_RELATED = ("billable__booking__service",)


def charges_for_customer(customer):
    return (
        Charge.objects.filter(customer=customer)
        .select_related("booking__service", "billable")
        .order_by("-first_due_on", "-id")
    )


def frequency_of(pro) -> str:
    """The payout frequency in force for the pro (the chosen one until an account exists)."""
    account = PayoutAccount.objects.filter(pro=pro).only("frequency").first()
    return account.frequency if account else pro.payout_frequency


@dataclass(frozen=True)
class EarningsOverview:
    frequency: str
    next_period: periods.Period
    next_amount_cents: int
    current_period: periods.Period
    current_amount_cents: int
    unpaid_amount_cents: int
    held_reason: str  # why the next payout would be held ("" when it would be sent)
    has_iban: bool


def _held_reason(pro) -> str:
    if not pro.iban:
        return Payout.HeldReason.NO_IBAN
    account = PayoutAccount.objects.filter(pro=pro).first()
    if account is None or not account.gateway_account_id or account.synced_iban != pro.iban:
        return Payout.HeldReason.NO_ACCOUNT
    if account.problem:
        return Payout.HeldReason.ACCOUNT_PROBLEM
    return ""


def earnings_overview(pro, *, today: date | None = None) -> EarningsOverview:
    """The next payout (amount and expected arrival) and what builds up this period."""
    today = today or clock.today()
    frequency = frequency_of(pro)
    days = monthly_days_before_end()
    current = periods.period_of(frequency, today, days_before_end=days)
    last = periods.period_of(frequency, current.start - timedelta(days=1), days_before_end=days)
    already_paid = Payout.objects.filter(
        pro=pro, period_start=last.start, period_end=last.end
    ).exists()
    upcoming = last if last.batch_on >= today and not already_paid else current
    unpaid = LedgerEntry.objects.filter(pro=pro).unpaid()
    next_amount = unpaid.filter(earned_on__lte=upcoming.end).aggregate(s=Sum("amount_cents"))
    this_period = unpaid.filter(earned_on__gte=current.start, earned_on__lte=current.end)
    everything = unpaid.aggregate(s=Sum("amount_cents"))
    return EarningsOverview(
        frequency=frequency,
        next_period=upcoming,
        next_amount_cents=next_amount["s"] or 0,
        current_period=current,
        current_amount_cents=this_period.aggregate(s=Sum("amount_cents"))["s"] or 0,
        unpaid_amount_cents=everything["s"] or 0,
        held_reason=_held_reason(pro),
        has_iban=bool(pro.iban),
    )


def payouts_for(pro, *, with_items: bool = False):
    """The pro's payouts, newest first (carried held rows are folded into later ones)."""
    queryset = Payout.objects.filter(pro=pro).exclude(status=Payout.Status.CARRIED)
    if with_items:
        entries = LedgerEntry.objects.select_related(*_ENTRY_RELATED).order_by("earned_on", "id")
        queryset = queryset.prefetch_related(
            Prefetch("items__entry", queryset=entries),
        )
    return queryset.order_by("-batch_on", "-id")


def weekly_totals(pro, *, today: date | None = None, weeks: int = 12) -> list[tuple]:
    """[(period, cents)] for the last `weeks` weekly periods up to the current one, oldest
    first: what the pro earned for the sessions of each week (one query)."""
    today = today or clock.today()
    current = periods.weekly_period(today)
    first = periods.weekly_period(current.start - timedelta(weeks=weeks - 1))
    rows = (
        LedgerEntry.objects.filter(pro=pro, earned_on__gte=first.start, earned_on__lte=current.end)
        .values_list("earned_on", "amount_cents")
        .order_by()
    )
    totals: dict[date, int] = {}
    for earned_on, cents in rows:
        start = periods.weekly_period(earned_on).start
        totals[start] = totals.get(start, 0) + cents
    out = []
    for index in range(weeks):
        period = periods.weekly_period(first.start + timedelta(weeks=index))
        out.append((period, totals.get(period.start, 0)))
    return out


def statement_entries(pro, *, start: date, end: date):
    """The pro's ledger entries earned from `start` to `end` (inclusive), oldest first, with
    the payout that paid each (or none yet)."""
    return (
        LedgerEntry.objects.filter(pro=pro, earned_on__gte=start, earned_on__lte=end)
        .select_related(*_ENTRY_RELATED, "payout_item__payout", "referred_pro__user")
        .order_by("earned_on", "id")
    )
