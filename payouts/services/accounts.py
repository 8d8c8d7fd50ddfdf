"""Pros' payout accounts: the connected account at the provider follows the IBAN on pros.Pro,
and the payout frequency the pro chose applies from the next period.

pros knows nothing of payouts (it sits below): instead of a signal, these services compare
pros.Pro with PayoutAccount (a sweep every few minutes, and every batch before it decides
who is held), so a missed run delays nothing by more than one run.
"""

import logging
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import audit
from pros.models import Pro

from .. import periods
from ..gateway import GatewayUnavailable, get_gateway
from ..models import PayoutAccount

logger = logging.getLogger(__name__)


def monthly_days_before_end() -> int:
    return settings.PAYOUT_MONTHLY_DAYS_BEFORE_END


def payout_account_for(pro: Pro) -> PayoutAccount:
    account, _created = PayoutAccount.objects.get_or_create(
        pro=pro, defaults={"frequency": pro.payout_frequency}
    )
    return account


def payout_account_sync(*, pro: Pro, gateway=None) -> PayoutAccount:
    """Create the pro's connected account, or give it the pro's new IBAN. Nothing to do when
    the pro has no IBAN or the account already has it. The provider is called outside the
    transaction; a new IBAN clears a previous payout problem."""
    account = payout_account_for(pro)
    pro = Pro.objects.select_related("user").get(pk=pro.pk)
    if not pro.iban or (account.gateway_account_id and account.synced_iban == pro.iban):
        return account
    gateway = gateway or get_gateway()
    result = gateway.account_sync(pro=pro, account_id=account.gateway_account_id)
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
        account.gateway = gateway.name
        account.gateway_account_id = result.account_id
        account.synced_iban = pro.iban
        account.problem = result.problem
        account.updated_at = timezone.now()
        account.save(
            update_fields=["gateway", "gateway_account_id", "synced_iban", "problem", "updated_at"]
        )
        audit(
            action="payout_account.synced",
            subject=pro,
            data={"account": result.account_id, "iban_last4": pro.iban[-4:]},
        )
    return account


def pros_to_sync():
    """Pros with an IBAN the provider does not have yet."""
    return Pro.objects.exclude(iban="").filter(
        Q(payout_account__isnull=True)
        | Q(payout_account__gateway_account_id="")
        | ~Q(payout_account__synced_iban=F("iban"))
    )


def payout_accounts_sync_due(*, limit: int = 200, pro_ids=None, gateway=None) -> int:
    """Sync the accounts of pros whose IBAN the provider does not have yet (a batch)."""
    due = pros_to_sync().order_by("pk")
    if pro_ids is not None:
        due = due.filter(pk__in=pro_ids)
    gateway = gateway or get_gateway()
    synced = 0
    for pro in list(due[:limit]):
        try:
            payout_account_sync(pro=pro, gateway=gateway)
            synced += 1
        except GatewayUnavailable:
            logger.warning("payout account sync postponed for pro %s", pro.pk)
    return synced


def payout_accounts_create_missing() -> int:
    """A PayoutAccount row for every pro who has earnings and none yet (one statement), with
    the frequency the pro chose."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO payouts_payoutaccount
                (pro_id, gateway, gateway_account_id, synced_iban, problem, frequency,
                 next_frequency, next_frequency_from, updated_at)
            SELECT p.id, '', '', '', '', p.payout_frequency, '', NULL, now()
            FROM pros_pro p
            WHERE NOT EXISTS (SELECT 1 FROM payouts_payoutaccount a WHERE a.pro_id = p.id)
              AND EXISTS (SELECT 1 FROM payouts_ledgerentry e WHERE e.pro_id = p.id)
            ON CONFLICT (pro_id) DO NOTHING
            """
        )
        return cursor.rowcount


def payout_frequencies_follow(*, today: date, apply_until: date | None = None) -> int:
    """Follow the frequency each pro chose: a new choice is scheduled from the start of the
    next period of the frequency in force on `today` (cancelled if the pro changes back), and
    changes starting on or before `apply_until` (a batch's period end) are applied. Set-based:
    a handful of statements whatever the number of pros."""
    days = monthly_days_before_end()
    changed = 0
    with connection.cursor() as cursor:
        for current in periods.FREQUENCIES:
            starts_on = periods.frequency_change_starts_on(current, today, days_before_end=days)
            cursor.execute(
                """
                UPDATE payouts_payoutaccount a
                SET next_frequency = p.payout_frequency, next_frequency_from = %s,
                    updated_at = now()
                FROM pros_pro p
                WHERE a.pro_id = p.id AND a.frequency = %s
                  AND p.payout_frequency <> a.frequency
                  AND a.next_frequency <> p.payout_frequency
                """,
                [starts_on, current],
            )
            changed += cursor.rowcount
        cursor.execute(
            """
            UPDATE payouts_payoutaccount a
            SET next_frequency = '', next_frequency_from = NULL, updated_at = now()
            FROM pros_pro p
            WHERE a.pro_id = p.id AND a.next_frequency <> ''
              AND p.payout_frequency = a.frequency
            """
        )
        changed += cursor.rowcount
        if apply_until is not None:
            cursor.execute(
                """
                UPDATE payouts_payoutaccount
                SET frequency = next_frequency, next_frequency = '', next_frequency_from = NULL,
                    updated_at = now()
                WHERE next_frequency <> '' AND next_frequency_from <= %s
                """,
                [apply_until],
            )
            changed += cursor.rowcount
    return changed
