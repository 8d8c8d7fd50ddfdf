"""The earnings ledger: append-only rows of what the platform owes each pro.

- One entry per billable item (the pro's net share of a session, or their share of a fee),
  recorded once the item is final: a session as soon as it is closed, a fee once it can no
  longer be waived (its billable day). The pro's earning never waits for the customer's
  payment: the platform carries the risk of unpaid charges.
- A referral bonus (REFERRAL_BONUS_CENTS, €100) to the referrer when the referred pro
  completes their 5th cleaning session, at most once per referred pro (a database
  constraint).
- Support adjustments, signed, with a reason, audited.
Corrections are new entries; the database refuses updates and deletes.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import Category
from checkin.models import BillableItem
from checkin.selectors import billables_due
from core import clock
from core.audit import audit
from core.errors import InvalidInput
from pros.models import Pro

from .. import notifications
from ..models import LedgerEntry

REFERRAL_SESSIONS = 5


def _entry_kind(item_kind: str) -> str:
    if item_kind == BillableItem.Kind.SESSION:
        return LedgerEntry.Kind.EARNING
    return LedgerEntry.Kind.FEE_SHARE


def ledger_record_earnings(*, today: date | None = None) -> int:
    """Record the pro's share of every final billable item not in the ledger yet (idempotent:
    the entry is one-to-one with its item). Returns how many were recorded."""
    today = today or clock.today()
    # Items closed up to now are billable tomorrow at the latest (the day after closing).
    items = (
        billables_due(on=today + timedelta(days=1))
        .filter(ledger_entry__isnull=True, pro_share_cents__gt=0)
        .exclude(kind__in=BillableItem.FEE_KINDS, billable_on__gt=today)
        .values_list("pk", "kind", "pro_share_cents", "booking__pro_id", "booking__start")
    )
    entries = [
        LedgerEntry(
            pro_id=pro_id,
            kind=_entry_kind(kind),
            amount_cents=share,
            earned_on=clock.paris_date(start),
            billable_id=item_id,
        )
        for item_id, kind, share, pro_id, start in items.iterator(chunk_size=2000)
    ]
    created = LedgerEntry.objects.bulk_create(entries, batch_size=1000, ignore_conflicts=True)
    session_pros = {entry.pro_id for entry in entries if entry.kind == LedgerEntry.Kind.EARNING}
    if session_pros:
        ledger_record_referral_bonuses(pro_ids=session_pros)
    return len(created)


def ledger_record_referral_bonuses(*, pro_ids=None) -> int:
    """Pay the referral bonus for every referred pro who has completed their 5th cleaning
    session and whose referrer has not had it yet. Exactly once per referred pro."""
    referred = Pro.objects.filter(referred_by__isnull=False, referral_bonus_entry__isnull=True)
    if pro_ids is not None:
        referred = referred.filter(pk__in=pro_ids)
    granted = 0
    for pro in referred.select_related("user", "referred_by__user"):
        fifth = (
            BillableItem.objects.filter(
                booking__pro=pro,
                kind=BillableItem.Kind.SESSION,
                booking__service__category__slug=Category.Slug.CLEANING,
            )
            .order_by("created_at", "pk")
            .values_list("created_at", flat=True)[REFERRAL_SESSIONS - 1 : REFERRAL_SESSIONS]
        )
        completed_at = next(iter(fifth), None)
        if completed_at is None:
            continue
        try:
            with transaction.atomic():
                entry = LedgerEntry.objects.create(
                    pro=pro.referred_by,
                    kind=LedgerEntry.Kind.REFERRAL_BONUS,
                    amount_cents=settings.REFERRAL_BONUS_CENTS,
                    earned_on=clock.paris_date(completed_at),
                    referred_pro=pro,
                )
                audit(
                    action="ledger.referral_bonus",
                    subject=pro.referred_by,
                    data={"entry": entry.pk, "referred_pro": pro.pk},
                )
                notifications.tell_referrer_bonus(entry)
        except IntegrityError:
            continue  # another run granted it first: once per referred pro
        granted += 1
    return granted


@transaction.atomic
def ledger_adjust(*, pro: Pro, amount_cents: int, reason: str, by) -> LedgerEntry:
    """A support correction (positive or negative), paid with the pro's next payout."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("A reason is required.")]
    if not isinstance(amount_cents, int) or amount_cents == 0:
        errors["amount_cents"] = [_("Enter a non-zero amount in cents.")]
    if errors:
        raise InvalidInput(fields=errors)
    entry = LedgerEntry.objects.create(
        pro=pro,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount_cents=amount_cents,
        earned_on=clock.today(),
        reason=reason[:500],
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit(
        action="ledger.adjusted",
        subject=pro,
        actor=by,
        data={"entry": entry.pk, "amount_cents": amount_cents, "reason": entry.reason},
    )
    return entry
