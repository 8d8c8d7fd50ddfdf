"""Money in integer euro cents. One rounding rule: half up, to the cent."""

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple


def percent_of(amount_cents: int, rate_percent: Decimal | str | int) -> int:
    """`rate_percent` % of `amount_cents`, rounded half up to the cent."""
    value = Decimal(amount_cents) * Decimal(str(rate_percent)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class PriceBreakdown(NamedTuple):
    base_cents: int  # the platform-set service price
    customer_fee_cents: int  # customer service fee
    customer_price_cents: int  # what the customer pays
    pro_commission_cents: int
    pro_net_cents: int  # what the pro receives
    platform_share_cents: int  # fee + commission

    def is_balanced(self) -> bool:
        return self.customer_price_cents == self.pro_net_cents + self.platform_share_cents


def breakdown(*, base_cents: int, customer_fee_percent, pro_commission_percent) -> PriceBreakdown:
    if base_cents < 0:
        raise ValueError("negative price")
    fee = percent_of(base_cents, customer_fee_percent)
    commission = percent_of(base_cents, pro_commission_percent)
    return PriceBreakdown(
        base_cents=base_cents,
        customer_fee_cents=fee,
        customer_price_cents=base_cents + fee,
        pro_commission_cents=commission,
        pro_net_cents=base_cents - commission,
        platform_share_cents=fee + commission,
    )


def format_eur(cents: int, language: str = "fr") -> str:
    """12345 -> '123,45 €' (fr) or '€123.45' (en)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    if language.startswith("fr"):
        grouped = f"{euros:,}".replace(",", "\u202f")
        return f"{sign}{grouped},{rest:02d}\u00a0€"
    return f"{sign}€{euros:,}.{rest:02d}"
