"""Where a pro is paid: IBAN, BIC, account holder and payout frequency."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import InvalidInput

from ..models import Pro
from ..rules import normalize_bic, normalize_iban
from .status import lock_pro

MASK = "\u2022"  # •


def mask_iban(iban: str) -> str:
    """A stored IBAN as pages show it: country and check digits, then only the last 4
    characters, in groups of 4 ("FR14 •••• •••• •••• •••• •••2 606"); "" when there is none."""
    compact = "".join((iban or "").split()).upper()
    if not compact:
        return ""
    keep_start, keep_end = 4, 4
    hidden = max(len(compact) - keep_start - keep_end, 0)
    shown = compact[:keep_start] + MASK * hidden + compact[keep_start + hidden :]
    return " ".join(shown[i : i + 4] for i in range(0, len(shown), 4))


def _iban_to_store(pro: Pro, iban: str) -> tuple[str, str]:
    """(compact IBAN, BIC found from it or ""): the masked IBAN sent back unchanged keeps the
    stored one; a partly edited masked one is refused (the pro must type it whole)."""
    typed = " ".join((iban or "").split())
    if pro.iban and typed.replace(" ", "") == mask_iban(pro.iban).replace(" ", ""):
        return normalize_iban(pro.iban)
    if MASK in typed:
        message = _("Saisissez votre nouvel IBAN en entier.")
        raise InvalidInput(message, fields={"iban": [message]})
    return normalize_iban(typed)


@transaction.atomic
def pro_set_bank_details(
    *, pro: Pro, iban: str, account_holder: str, payout_frequency: str, bic: str = "", actor=None
) -> Pro:
    """The BIC found from the IBAN wins over a typed one; a typed BIC must be valid. `iban` may
    be the stored IBAN's mask (mask_iban), unchanged: the stored IBAN is kept."""
    pro = lock_pro(pro)
    problems: list[InvalidInput] = []
    compact = derived_bic = ""
    try:
        compact, derived_bic = _iban_to_store(pro, iban)
    except InvalidInput as error:
        problems.append(error)
    try:
        bic = normalize_bic(bic)
    except InvalidInput as error:
        problems.append(error)
    account_holder = (account_holder or "").strip()
    if not account_holder:
        problems.append(
            InvalidInput(
                _("The account holder is required."), fields={"account_holder": [_("Required.")]}
            )
        )
    if payout_frequency not in Pro.PayoutFrequency.values:
        problems.append(
            InvalidInput(
                _("Choose weekly or monthly payouts."),
                fields={"payout_frequency": [_("Invalid.")]},
            )
        )
    if len(problems) == 1:
        raise problems[0]
    if problems:
        # Every problem at once, each on its field.
        raise InvalidInput(fields={k: v for p in problems for k, v in (p.fields or {}).items()})
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
