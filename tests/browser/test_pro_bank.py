"""Bank details in a phone browser: once saved, the IBAN field and the summary show the mask
only; saving again without touching it keeps the IBAN; a wrong IBAN is said once."""

import pytest
from playwright.sync_api import expect

from pros.models import Pro
from tests.browser.test_pro_app_pages import _axe_violations
from tests.factories import ProFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MASKED = "FR14 •••• •••• •••• •••• •••2 606"


def test_iban_masked_after_saving_and_errors_once(page, login_as, screenshot):
    pro = ProFactory(user__email="awa@example.com")
    login_as("awa@example.com")
    page.goto("/pro/settings/bank")
    page.fill("input[name=account_holder]", "Awa Diallo")
    page.fill("input[name=iban]", "FR14 2004 1010 0505 0001 3M02 607")
    page.locator("label", has_text="hebdomadaire").first.click()
    page.click("main form.card button[type=submit]")
    expect(page.get_by_text("Cet IBAN n'est pas valide.")).to_have_count(1)

    page.fill("input[name=iban]", "FR14 2004 1010 0505 0001 3M02 606")
    page.click("main form.card button[type=submit]")
    expect(page.locator("input[name=iban]")).to_have_value(MASKED)
    expect(page.locator("#bank-summary")).to_contain_text(MASKED)
    shown = page.locator("main").inner_text().replace(" ", "")
    assert "2004101005050001" not in shown and "13M02" not in shown
    assert _axe_violations(page) == []
    screenshot("pro-bank-masked")

    page.locator("label", has_text="mensuel").first.click()
    page.click("main form.card button[type=submit]")
    expect(page.locator("input[name=iban]")).to_have_value(MASKED)
    pro = Pro.objects.get(pk=pro.pk)
    assert (pro.iban, pro.payout_frequency) == ("FR1420041010050500013M02606", "monthly")
