"""The pros app's models: the pro and who may take work, zone and hours, documents,
referrals, score events.

One module per concern; everything is re-exported here, so `from pros.models import X` keeps
working (the models' app is `pros` whatever the module; migrations name
`pros.models.private_storage`). Imported in the order the models were defined in the single
module, so the app registry lists them as before.
"""

# isort: skip_file
from .storage import _PrivateStorage as _PrivateStorage, private_storage
from .pros import DISPATCHABLE_SQL, Pro, ProQuerySet
from .availability import TimeOff, WorkingHours, ZoneCell
from .documents import Document
from .referrals import ReferralInvite
from .scores import ScoreEvent

__all__ = [
    "private_storage",
    "DISPATCHABLE_SQL",
    "ProQuerySet",
    "Pro",
    "ZoneCell",
    "WorkingHours",
    "TimeOff",
    "Document",
    "ReferralInvite",
    "ScoreEvent",
]
