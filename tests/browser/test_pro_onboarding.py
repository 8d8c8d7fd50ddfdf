"""A pro's whole onboarding on a phone: sign up, every settings page, ID upload, verification."""

import io
import re

import pytest
from playwright.sync_api import expect

from pros.models import Document, Pro, ReferralInvite

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (240, 240), (15, 118, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_pro_signs_up_completes_settings_and_is_activated_by_support(
    page, screenshot, tmp_path, mailoutbox
):
    # Sign-up: French by default; text checks below use English (msgids, stable whatever the
    # state of the French catalogue), chosen with the header's language switch.
    page.goto("/pro/signup")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.click(".lang-switch button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Become a Wecasa pro")
    expect(page.locator(".field-check")).to_contain_text(
        "Platform customers stay platform customers"
    )
    page.fill("input[name=first_name]", "Awa")
    page.fill("input[name=last_name]", "Diallo")
    page.fill("input[name=email]", "awa@example.com")
    page.fill("input[name=phone]", "06 12 34 56 78")
    page.fill("input[name=password]", "Pro-secret-2024")
    page.check("input[name=terms]")
    screenshot("pros-01-signup")
    _no_horizontal_scroll(page)
    page.click("form.card button[type=submit]")
    expect(page).to_have_url(re.compile(r"/pro/onboarding$"))
    pro = Pro.objects.get(user__email="awa@example.com")
    assert pro.status == Pro.Status.ONBOARDING
    expect(page.locator("#checklist-proposals .todo-item")).to_have_count(4)
    screenshot("pros-02-onboarding")

    # Settings index.
    page.click("nav.tabbar >> text=Settings")
    expect(page).to_have_url(re.compile(r"/pro/settings$"))
    screenshot("pros-03-settings")
    _no_horizontal_scroll(page)

    # Profile: photo + bio.
    photo = tmp_path / "me.png"
    photo.write_bytes(_png_bytes())
    page.goto("/pro/settings/profile")
    page.set_input_files("input[name=photo]", str(photo))
    page.fill(
        "textarea[name=bio]", "Coiffeuse à domicile depuis 8 ans, spécialiste des cheveux bouclés."
    )
    page.click("form.card button[type=submit]")
    expect(page.locator(".message-success")).to_be_visible()
    screenshot("pros-04-profile")
    pro.refresh_from_db()
    assert pro.photo and pro.bio.startswith("Coiffeuse")

    # Services: tick every cleaning service.
    page.goto("/pro/settings/services")
    boxes = page.locator("fieldset.group").first.locator("input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    screenshot("pros-05-services")
    page.click(".sticky-actions button")
    expect(page.locator(".message-success")).to_be_visible()
    assert pro.services.count() == boxes.count() > 0

    # Zone: bad radius first (nothing written), then a good one.
    page.goto("/pro/settings/zone")
    page.fill("input[name=base_address]", "12 rue Oberkampf, 75011 Paris")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 48.8647, "longitude": 2.379})
    page.click("#use-position")
    expect(page.locator("input[name=lat]")).to_have_value("48.864700")
    page.fill("input[name=radius_km]", "80")
    page.click("form.card button[type=submit]")
    expect(page.locator(".message-error")).to_be_visible()
    assert not pro.zone_cells.exists()
    page.fill("input[name=radius_km]", "10")
    page.click("form.card button[type=submit]")
    expect(page.locator("#zone-summary")).to_contain_text("10 km")
    screenshot("pros-06-zone")
    assert pro.zone_cells.count() > 50

    # Working hours: Monday two ranges (second one added with htmx), Tuesday one.
    page.goto("/pro/settings/hours")
    page.fill("#ranges-0 input[name=start_0]", "08:00")
    page.fill("#ranges-0 input[name=end_0]", "12:00")
    page.click("#day-0 button[hx-get]")
    expect(page.locator("#ranges-0 .range")).to_have_count(2)
    page.locator("#ranges-0 input[name=start_0]").nth(1).fill("14:00")
    page.locator("#ranges-0 input[name=end_0]").nth(1).fill("19:00")
    page.fill("#ranges-1 input[name=start_1]", "09:00")
    page.fill("#ranges-1 input[name=end_1]", "18:00")
    page.click(".sticky-actions button")
    expect(page.locator(".message-success")).to_be_visible()
    screenshot("pros-07-hours")
    assert pro.working_hours.count() == 3

    # Days off and the pause switch (htmx).
    page.goto("/pro/settings/availability")
    page.fill("input[name=start_date]", "2030-08-01")
    page.fill("input[name=end_date]", "2030-08-15")
    page.fill("input[name=reason]", "Vacances")
    page.click("#time-off-form button[type=submit]")
    expect(page.locator(".list-row")).to_have_count(1)
    page.click("#pause-switch button.switch")
    expect(page.locator("#pause-switch button.switch")).to_have_attribute("aria-checked", "true")
    pro.refresh_from_db()
    assert pro.is_paused
    screenshot("pros-08-availability")
    page.click("#pause-switch button.switch")
    expect(page.locator("#pause-switch button.switch")).to_have_attribute("aria-checked", "false")
    pro.refresh_from_db()
    assert not pro.is_paused

    # Documents: an ID (PDF).
    id_file = tmp_path / "carte-identite.pdf"
    id_file.write_bytes(PDF)
    page.goto("/pro/settings/documents")
    page.select_option("select[name=kind]", "id")
    page.set_input_files("input[name=file]", str(id_file))
    page.click("form.card button[type=submit]")
    expect(page.locator(".list-row.doc")).to_have_count(1)
    expect(page.locator(".badge-doc-pending")).to_be_visible()
    screenshot("pros-09-documents")

    # Bank details.
    page.goto("/pro/settings/bank")
    page.fill("input[name=iban]", "FR00 1234")
    page.click("form.card button[type=submit]")
    expect(page.locator(".message-error")).to_be_visible()
    page.fill("input[name=iban]", "FR14 2004 1010 0505 0001 3M02 606")
    page.check("input[value=monthly]")
    page.click("form.card button[type=submit]")
    expect(page.locator("#bank-summary")).to_contain_text("2 606")
    expect(page.locator("#bank-summary")).not_to_contain_text("2004 1010")
    screenshot("pros-10-bank")

    # Personal link: locked before the first session.
    page.goto("/pro/settings/link")
    expect(page.locator("#link-locked")).to_be_visible()
    screenshot("pros-11-link")

    # Referral: invite someone.
    page.goto("/pro/settings/referral")
    expect(page.get_by_text("for cleaning pros only", exact=False)).to_be_visible()
    page.fill("input[name=name]", "Fatou")
    page.fill("input[name=email]", "fatou@example.com")
    page.click("form.card button[type=submit]")
    expect(page.locator(".message-success")).to_be_visible()
    screenshot("pros-12-referral")
    assert ReferralInvite.objects.filter(pro=pro, email="fatou@example.com").exists()
    assert any("fatou@example.com" in message.to for message in mailoutbox)

    # Still onboarding: only the ID verification is missing.
    page.goto("/pro/onboarding")
    expect(page.locator("#checklist-proposals .todo-item")).to_have_count(1)
    expect(page.locator(".todo-id_pending")).to_be_visible()
    expect(page.locator("#checklist-payment .ok")).to_be_visible()

    # Support verifies the ID: the pro becomes active automatically.
    from pros.services import document_verify

    document_verify(document=Document.objects.get(pro=pro), by=None)
    page.reload()
    expect(page.locator(".badge-active")).to_have_text("Active")
    expect(page.locator("#checklist-proposals .ok")).to_be_visible()
    screenshot("pros-13-active")
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ACTIVE

    # Back to French with the switch.
    page.click(".lang-switch button[value=fr]")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".badge-active")).to_be_visible()
    screenshot("pros-14-active-fr")
