"""Every write about money. Views, API, admin actions, commands and tasks call these.

One module per concern; the public names are re-exported here:
  payment_methods.py  saving a customer's card (SetupIntent, default card)
  accounts.py         pros' connected accounts (follow the IBAN) and payout frequency changes
  ledger.py           the append-only earnings ledger: earnings, referral bonus, adjustments
  charges.py          charging billable items the day after, retries on days 1 and 3
  batches.py          weekly and monthly payout batches (build, held payouts)
  sending.py          transfers and bank payouts, their outcome, support's retry
  webhooks.py         storing provider events once and processing them
"""

from .accounts import (
    payout_account_for,
    payout_account_sync,
    payout_accounts_sync_due,
    payout_frequencies_follow,
)
from .batches import payout_batch_build, payout_batch_run, period_for
from .charges import (
    charge_attempt,
    charge_mark_paid,
    charge_retry_now,
    charges_create_due,
    charges_release_stale_claims,
    charges_run_due,
)
from .ledger import ledger_adjust, ledger_record_earnings, ledger_record_referral_bonuses
from .payment_methods import customer_gateway_ensure, payment_method_save, setup_intent_create
from .sending import payout_record_bank_outcome, payout_retry, payouts_send
from .webhooks import webhook_process, webhook_receive, webhooks_process_stale

__all__ = [
    "charge_attempt",
    "charge_mark_paid",
    "charge_retry_now",
    "charges_create_due",
    "charges_release_stale_claims",
    "charges_run_due",
    "customer_gateway_ensure",
    "ledger_adjust",
    "ledger_record_earnings",
    "ledger_record_referral_bonuses",
    "payment_method_save",
    "payout_account_for",
    "payout_account_sync",
    "payout_accounts_sync_due",
    "payout_batch_build",
    "payout_batch_run",
    "payout_frequencies_follow",
    "payout_record_bank_outcome",
    "payout_retry",
    "payouts_send",
    "period_for",
    "setup_intent_create",
    "webhook_process",
    "webhook_receive",
    "webhooks_process_stale",
]
