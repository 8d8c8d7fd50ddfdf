from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Service
from core.money import breakdown, format_eur, percent_of


def test_half_up_rounding_to_the_cent():
    assert percent_of(1005, Decimal("10")) == 101  # 100.5 -> 101
    assert percent_of(1004, Decimal("10")) == 100  # 100.4 -> 100
    assert percent_of(25, Decimal("2")) == 1  # 0.5 -> 1


@given(
    base=st.integers(min_value=0, max_value=10_000_000),
    fee=st.decimals(min_value=0, max_value=100, places=2),
    commission=st.decimals(min_value=0, max_value=100, places=2),
)
def test_customer_price_is_pro_net_plus_platform_share(base, fee, commission):
    assert breakdown(
        base_cents=base, customer_fee_percent=fee, pro_commission_percent=commission
    ).is_balanced()


@pytest.mark.django_db
def test_every_catalogue_entry_balances():
    services = list(Service.objects.select_related("category"))
    assert len(services) >= 16
    for service in services:
        prices = service.pricing()
        assert prices.is_balanced(), service.slug
        assert prices.customer_price_cents == prices.pro_net_cents + prices.platform_share_cents
        assert 0 < prices.pro_net_cents <= service.base_price_cents < prices.customer_price_cents


@pytest.mark.django_db
def test_cleaning_three_hours_price():
    service = Service.objects.get(slug="menage-3h")  # 72.00 base, 8 % fee, 15 % commission
    prices = service.pricing()
    assert prices.customer_price_cents == 7776
    assert prices.pro_net_cents == 6120
    assert prices.platform_share_cents == 576 + 1080


def test_format_eur():
    assert format_eur(12345, "fr") == "123,45\u00a0€"
    assert format_eur(12345, "en") == "€123.45"
    assert format_eur(123456789, "fr") == "1\u202f234\u202f567,89\u00a0€"
