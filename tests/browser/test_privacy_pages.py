"""A pro on a phone (390 px) asks for a copy of their data, opens the e-mailed link, then
closes their account (issue 14, personal data). Screenshots: test-artifacts/screenshots/
privacy-*.png."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Service
from privacy.models import DataExport
from tests.factories import AddressFactory, CustomerFactory, PaymentMethodFactory
from tests.privacy.privacy_world import future_session, make_pro, past_paid_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def export_inline(monkeypatch):
    from privacy import tasks

    monkeypatch.setattr(
        tasks.build_data_export, "delay", lambda export_id: tasks.build_data_export(export_id)
    )


def test_pro_exports_then_closes_the_account(
    page, screenshot, login_as, mailoutbox, export_inline, live_server
):
    cleaning = Service.objects.get(slug="menage-2h")
    customer = CustomerFactory(user__first_name="Léa")
    AddressFactory(customer=customer)
    PaymentMethodFactory(customer=customer)
    pro = make_pro(user__email="awa@example.com", user__first_name="Awa")
    now = timezone.now()
    past_paid_session(pro=pro, customer=customer, service=cleaning, start=now - timedelta(days=14))
    upcoming = future_session(
        pro=pro, customer=customer, service=cleaning, start=now + timedelta(days=3)
    )

    login_as("awa@example.com")
    page.goto("/pro/settings")
    page.click("#my-data-link")
    expect(page.locator("h1")).to_have_text("Mes données")
    screenshot("privacy-01-my-data")

    page.click("#export-button")
    expect(page.locator(".message-success")).to_contain_text("vous recevrez un lien")
    expect(page.locator("#export-status")).to_contain_text("valable jusqu'au")
    screenshot("privacy-02-export-asked")
    assert DataExport.objects.get(user=pro.user).status == DataExport.Status.READY
    path = re.search(r"/pro/data-export/\S+", mailoutbox[-1].body).group(0)
    with page.expect_download() as download_info:
        page.evaluate("path => { window.location.href = path }", path)
    download = download_info.value
    assert download.suggested_filename.startswith("wecasa-mes-donnees-")

    page.goto("/pro/settings/my-data")
    page.click("#close-account-entry a")
    expect(page.locator("h1")).to_have_text("Fermer mon compte")
    expect(page.locator("#closure-effects")).to_be_visible()
    screenshot("privacy-03-close-account")

    page.fill("input[name=password]", "wrong-password")
    page.check("input[name=confirm]")
    page.click("#close-account-form button[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("Mot de passe incorrect")
    screenshot("privacy-04-close-wrong-password")

    page.fill("input[name=password]", "demo1234")
    page.check("input[name=confirm]")
    page.click("#close-account-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Votre compte est fermé")
    screenshot("privacy-05-account-closed")

    pro.user.refresh_from_db()
    upcoming.refresh_from_db()
    assert not pro.user.is_active and upcoming.status == "cancelled"
    # The old link no longer opens anything.
    page.goto(path)
    expect(page.locator("h1")).to_have_text("Ce lien a expiré")
    screenshot("privacy-06-link-expired")
    # Nor does the login.
    login_as("awa@example.com")
    expect(page.locator(".message-error")).to_be_visible()
