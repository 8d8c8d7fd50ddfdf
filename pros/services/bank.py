"""Where a pro is paid: IBAN, BIC, account holder and payout frequency."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import InvalidInput

from ..models import Pro
from ..rules import normalize_bic, normalize_iban
from .status import lock_pro


@transaction.atomic
def pro_set_bank_details(
    *, pro: Pro, iban: str, account_holder: str, payout_frequency: str, bic: str = "", actor=None
) -> Pro:
    """The BIC found from the IBAN wins over a typed one; a typed BIC must be valid."""
    compact, derived_bic = normalize_iban(iban)
    account_holder = (account_holder or "").strip()
    if not account_holder:
        raise InvalidInput(
            _("The account holder is required."), fields={"account_holder": [_("Required.")]}
        )
    if payout_frequency not in Pro.PayoutFrequency.values:
        raise InvalidInput(
            _("Choose weekly or monthly payouts."), fields={"payout_frequency": [_("Invalid.")]}
        )
    bic = normalize_bic(bic)
    pro = lock_pro(pro)
    pro.iban = compact
    pro.bic = derived_bic or bic
    pro.account_holder = account_holder[:140]
    pro.payout_frequency = payout_frequency
    pro.save(update_fields=["iban", "bic", "account_holder", "payout_frequency"])
    audit(
        action="pro.bank_details_set",
        subject=pro,
        actor=actor,
        data={"iban_last4": compact[-4:], "bic": pro.bic, "payout_frequency": payout_frequency},
    )
    return pro
