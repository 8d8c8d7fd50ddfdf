"""Login, password reset, the personal link, a rejected document and support's admin, on a phone."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from pros.models import Document, Pro
from pros.services import document_reject, pro_record_completed_session
from tests.factories import ProFactory, UserFactory
from wecasa.roles import ensure_support_group

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def english(page):
    page.goto("/pro/login")
    page.click(".lang-switch button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_login_errors_then_password_reset(page, screenshot, english, mailoutbox, live_server):
    ProFactory(user__email="awa@example.com")
    page.goto("/pro/login")
    screenshot("pros-20-login")
    page.fill("input[name=email]", "awa@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.click("form.card button[type=submit]")
    expect(page.locator(".message-error")).to_have_text("Incorrect email or password.")
    screenshot("pros-21-login-error")

    page.click("text=Forgot your password?")
    page.fill("input[name=email]", "awa@example.com")
    screenshot("pros-22-password-reset")
    page.click("form.card button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your e-mails")
    screenshot("pros-23-password-reset-sent")

    link = re.search(r"https?://\S+/pro/password-reset/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    page.fill("input[name=new_password1]", "Nouveau-2025!")
    page.fill("input[name=new_password2]", "Nouveau-2025!")
    screenshot("pros-24-password-new")
    page.click("form.card button[type=submit]")
    expect(page.locator("h1")).to_have_text("Password changed")
    screenshot("pros-25-password-changed")

    page.click("main a.btn-primary")
    page.fill("input[name=email]", "awa@example.com")
    page.fill("input[name=password]", "Nouveau-2025!")
    page.click("form.card button[type=submit]")
    expect(page).to_have_url(re.compile(r"/pro/$"))


def test_personal_link_unlocked_after_first_session(page, screenshot, english, login_as, settings):
    settings.SITE_URL = "https://wecasa.example"
    pro = ProFactory(active=True, user__email="awa@example.com")
    pro_record_completed_session(pro=pro)
    login_as("awa@example.com")
    page.goto("/pro/settings/link")
    expect(page.locator("#personal-link")).to_have_value(f"https://wecasa.example/book/{pro.slug}")
    screenshot("pros-26-link-unlocked")


def test_pro_sees_why_a_document_was_rejected(page, screenshot, english, login_as):
    pro = ProFactory(active=True, user__email="awa@example.com")
    document_reject(document=pro.documents.get(kind="id"), by=None, reason="The photo is blurred.")
    login_as("awa@example.com")
    page.goto("/pro/onboarding")
    expect(page.locator(".badge-onboarding")).to_be_visible()
    expect(page.locator(".card-alert")).to_contain_text("The photo is blurred.")
    expect(page.locator(".todo-id_rejected")).to_be_visible()
    screenshot("pros-27-document-rejected")
    page.goto("/pro/settings/documents")
    expect(page.locator(".list-row.doc")).to_contain_text("The photo is blurred.")
    screenshot("pros-28-documents-rejected")


def test_customer_becomes_pro_from_signup_page(page, screenshot, english, login_as):
    UserFactory(email="lea@example.com", first_name="Léa", last_name="Martin")
    login_as("lea@example.com")
    expect(page).to_have_url(re.compile(r"/pro/signup$"))
    expect(page.locator("input[name=email]")).to_have_count(0)
    page.fill("input[name=phone]", "0612345678")
    page.check("input[name=terms]")
    screenshot("pros-29-signup-existing-user")
    page.click("form.card button[type=submit]")
    expect(page).to_have_url(re.compile(r"/pro/onboarding$"))
    assert Pro.objects.filter(user__email="lea@example.com").exists()


def test_support_verifies_id_in_admin(browser, live_server, pdf_upload_path, screenshot_desktop):
    ensure_support_group()
    support = UserFactory(email="support@example.com", is_staff=True)
    support.groups.add(Group.objects.get(name="Support"))
    pro = ProFactory(active=True)
    document = pro.documents.get(kind="id")
    document_reject(document=document, by=None, reason="Blurred")
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ONBOARDING

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/admin/login/?next=/admin/pros/document/")
    page.fill("input[name=username]", "support@example.com")
    page.fill("input[name=password]", "demo1234")
    page.click("input[type=submit]")
    expect(page.locator("#result_list")).to_be_visible()
    screenshot_desktop(page, "admin-01-documents")
    page.check(f"input[name=_selected_action][value='{document.pk}']")
    page.select_option("select[name=action]", "verify")
    page.click("button[name=index]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    document.refresh_from_db()
    pro.refresh_from_db()
    assert document.status == Document.Status.VERIFIED and pro.status == Pro.Status.ACTIVE

    page.check(f"input[name=_selected_action][value='{document.pk}']")
    page.select_option("select[name=action]", "reject")
    page.click("button[name=index]")
    expect(page.locator("textarea[name=reason]")).to_be_visible()
    screenshot_desktop(page, "admin-02-reject-reason")
    page.goto(f"/admin/pros/pro/{pro.pk}/change/")
    screenshot_desktop(page, "admin-03-pro")
    context.close()
