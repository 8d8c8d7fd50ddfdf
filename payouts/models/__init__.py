"""Money: customer charges, the pros' earnings ledger, payouts, provider webhooks.

checkin decides that something is billable (`checkin.BillableItem`); payouts turns it into
money. Invariants held by the database:
- a billable item is charged at most once (Charge.billable is one-to-one);
- a billable item is earned at most once, a referred pro's bonus is paid at most once
  (LedgerEntry one-to-ones), and ledger rows are never updated or deleted (a trigger);
- one payout per (pro, period), each ledger entry in at most one payout (PayoutItem.entry);
- a provider event is stored once (WebhookEvent.event_id).
"""

# One module per concern; everything is re-exported here, so `from payouts.models import X`
# keeps working (the models' app is `payouts` whatever the module). Imported in the order the
# models were defined in the single module, so the app registry lists them as before.
# isort: skip_file
from .accounts import Frequency, PayoutAccount
from .charges import Charge
from .ledger import LedgerEntry, LedgerEntryQuerySet
from .payouts import Payout, PayoutItem
from .webhooks import FakeGatewayObject, WebhookEvent

__all__ = [
    "Frequency",
    "PayoutAccount",
    "Charge",
    "LedgerEntryQuerySet",
    "LedgerEntry",
    "Payout",
    "PayoutItem",
    "WebhookEvent",
    "FakeGatewayObject",
]
