"""Weekly hours in a phone browser: every mistake shows at once on its day's row, named with its
day; "copy to every day" fills the week; Enter in a time input saves (it does not copy)."""

import pytest
from playwright.sync_api import expect

from pros.models import WorkingHours
from tests.browser.test_pro_app_pages import _axe_violations
from tests.factories import ProFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _saved(pro):
    return sorted(
        (h.weekday, h.start_time.strftime("%H:%M"), h.end_time.strftime("%H:%M"))
        for h in WorkingHours.objects.filter(pro=pro)
    )


def test_every_error_on_its_day_then_copy_to_every_day(page, login_as, screenshot):
    pro = ProFactory(user__email="awa@example.com")
    login_as("awa@example.com")
    page.goto("/pro/settings/hours")
    page.fill("input[name=start_0]", "09:00")
    page.fill("input[name=end_0]", "17:00")
    page.fill("input[name=start_1]", "18:00")
    page.fill("input[name=end_1]", "09:00")
    page.fill("input[name=start_2]", "08:00")
    page.fill("input[name=end_2]", "12:00")
    page.locator("#day-2 button", has_text="Ajouter une plage").click()
    expect(page.locator("#ranges-2 .range")).to_have_count(2)
    page.locator("#ranges-2 .range").nth(1).locator("input[name=start_2]").fill("11:00")
    page.locator("#ranges-2 .range").nth(1).locator("input[name=end_2]").fill("15:00")
    page.fill("input[name=start_4]", "10:00")
    page.locator(".sticky-actions button[type=submit]").click()

    expect(page.locator("#day-1-errors")).to_have_text(
        "Mardi : la fin doit être après le début (18:00 – 09:00)."
    )
    expect(page.locator("#day-2-errors")).to_have_text("Mercredi : deux plages se chevauchent.")
    expect(page.locator("#day-4-errors")).to_contain_text("Vendredi :")
    expect(page.locator("#day-0-errors")).to_have_count(0)
    expect(page.locator(".messages")).to_contain_text(
        "Horaires à corriger : Mardi, Mercredi, Vendredi."
    )
    assert _axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#day-1").scroll_into_view_if_needed()
    screenshot("pro-hours-errors")
    assert _saved(pro) == []

    page.locator("#day-0 button[name=copy_from]").click()
    for day in range(7):
        expect(page.locator(f"input[name=start_{day}]")).to_have_value("09:00")
        expect(page.locator(f"input[name=end_{day}]")).to_have_value("17:00")
    expect(page.locator(".errorlist")).to_have_count(0)
    screenshot("pro-hours-copied")
    assert _saved(pro) == []

    # Enter in a time input presses the hidden first submit button: save, not a copy.
    page.fill("input[name=end_6]", "12:00")
    page.locator("input[name=end_6]").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Horaires de travail enregistrés")
    assert _saved(pro) == [(d, "09:00", "17:00") for d in range(6)] + [(6, "09:00", "12:00")]
