"""A new pro sets their zone by typing an address (suggestions from the geocoder as they
type, htmx) instead of latitude and longitude; without a geocoder the position button does
it; the zone is then described in words ("about 8 km around ...")."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pros.geocoding import NoGeocoder, Place
from tests.factories import ProFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class FakeGeocoder:
    def __init__(self):
        self.queries = []

    def search(self, query, *, limit=5):
        self.queries.append(query)
        if "rivoli" not in query.lower():
            return []
        return [
            Place("12 Rue de Rivoli 75004 Paris", Decimal("48.855461"), Decimal("2.361923")),
            Place("12 Rue de Rivoli 75001 Paris", Decimal("48.860800"), Decimal("2.339000")),
        ][:limit]


def test_a_pro_picks_an_address_from_the_suggestions(page, login_as, monkeypatch, screenshot):
    geocoder = FakeGeocoder()
    monkeypatch.setattr("pros.views.settings.geocoder", lambda: geocoder)
    pro = ProFactory(user__email="awa@example.com")
    login_as("awa@example.com")
    page.goto("/pro/settings/zone")
    expect(page.locator("input[name=lat]")).to_be_hidden()

    page.locator("input[name=base_address]").press_sequentially("12 rue de rivoli", delay=20)
    suggestions = page.locator("#place-suggestions .suggestion")
    expect(suggestions).to_have_count(2)
    screenshot("pro-app-zone-suggestions")
    suggestions.nth(0).click()
    expect(page.locator("input[name=base_address]")).to_have_value("12 Rue de Rivoli 75004 Paris")
    expect(suggestions).to_have_count(0)
    page.fill("input[name=radius_km]", "8")
    page.click("#zone-form button[type=submit]")

    summary = page.locator("#zone-summary")
    expect(summary).to_contain_text("8 km")
    expect(summary).to_contain_text("12 Rue de Rivoli 75004 Paris")
    expect(summary).not_to_contain_text("h3")
    expect(summary).not_to_contain_text("48.85")
    pro.refresh_from_db()
    assert (pro.base_lat, pro.base_lng) == (Decimal("48.855461"), Decimal("2.361923"))
    assert pro.zone_cells.exists()


def test_without_a_geocoder_the_position_button_sets_the_zone(page, login_as, monkeypatch):
    monkeypatch.setattr("pros.views.settings.geocoder", lambda: NoGeocoder())
    pro = ProFactory(user__email="awa@example.com")
    login_as("awa@example.com")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 48.8647, "longitude": 2.379})
    page.goto("/pro/settings/zone")

    # An address nobody can look up: said on the field, nothing saved.
    page.fill("input[name=base_address]", "chez moi")
    page.click("#zone-form button[type=submit]")
    expect(page.locator(".has-error .errorlist")).to_be_visible()
    assert not pro.zone_cells.exists()

    page.click("#use-position")
    expect(page.locator("#position-status")).not_to_be_empty()
    page.click("#zone-form button[type=submit]")
    expect(page.locator("#zone-summary")).to_contain_text("chez moi")
    pro.refresh_from_db()
    assert (pro.base_lat, pro.base_lng) == (Decimal("48.864700"), Decimal("2.379000"))
