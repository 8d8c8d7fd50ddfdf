"""A pro on their phone (390 px) talks with a customer who writes from the app (API): the
customer's messages appear without reloading, the pro's phone number is masked with a notice,
the pro reports the customer from the proposal card and support blacklists them from the
report, which cancels their future booking. Screenshots: test-artifacts/screenshots/feedback-*.png.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from bookings.models import Booking, Proposal
from catalog.models import Service
from core import clock
from feedback import services as feedback_services
from feedback.models import Message, Report
from tests.factories import booking_customer, booking_request_row, booking_row, dispatchable_pro

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _paris(days: int, hour: int) -> datetime:
    return datetime.combine(clock.today() + timedelta(days=days), time(hour, 0), tzinfo=clock.PARIS)


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_pro_talks_with_a_customer_reports_them_and_support_blacklists(
    page, login_as, screenshot
):
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    customer.user.first_name = "Camille"
    customer.user.save(update_fields=["first_name"])
    booking = booking_row(
        pro=pro, customer=customer, address=address, service=service, start=_paris(2, 10)
    )
    customer_api = APIClient()
    customer_api.force_authenticate(customer.user)
    url = f"/api/v1/bookings/{booking.pk}/messages"

    login_as(pro.user.email)
    page.goto("/pro/")
    page.click(".lang-switch button[value=en]")
    page.goto(f"/pro/bookings/{booking.pk}")
    panel = page.locator("#messages-panel")
    expect(panel).to_contain_text("No message yet")

    # The customer writes from the app: the thread shows it without a reload.
    response = customer_api.post(url, {"body": "Bonjour ! Le digicode est 4589B."}, format="json")
    assert response.status_code == 201
    expect(panel.locator(".chat-msg.is-theirs")).to_contain_text(
        "digicode est 4589B", timeout=12_000
    )
    _no_horizontal_scroll(page)
    screenshot("feedback-01-customer-message-arrives")

    # The pro answers with a phone number: masked, and told so.
    panel.locator("textarea[name=body]").fill(
        "Parfait. Au besoin : 06 12 34 56 78, j'arrive vers 9h50."
    )
    panel.locator(".chat-send").click()
    mine = page.locator("#messages-panel .chat-msg.is-mine")
    expect(mine).to_contain_text("[☎ •••]")
    expect(mine).not_to_contain_text("06 12 34")
    expect(mine).to_contain_text("9h50")
    expect(page.locator("#messages-panel .chat-notice")).to_contain_text("phone number")
    expect(page.locator("#messages-panel textarea[name=body]")).to_have_value("")
    _no_horizontal_scroll(page)
    screenshot("feedback-02-phone-masked")
    sent = Message.objects.get(sender_side="pro")
    assert sent.is_flagged and "06 12 34 56 78" in sent.original_body
    seen = customer_api.get(url).json()["results"][-1]
    assert seen["body"].startswith("Parfait. Au besoin : [☎ •••]")

    # A new request with an inappropriate comment: the pro reports it from the card.
    request = booking_request_row(
        customer=customer,
        address=address,
        service=service,
        start=_paris(5, 14),
        notes="Tenue légère exigée, paiement en liquide possible",
    )
    proposal = Proposal.objects.create(
        request=request,
        pro=pro,
        status="sent",
        sent_at=clock.now(),
        expires_at=clock.now() + timedelta(hours=1),
    )
    page.goto("/pro/")
    card = page.locator(f"[data-proposal='{proposal.pk}']").first
    expect(card).to_contain_text("Tenue légère")
    _no_horizontal_scroll(page)
    screenshot("feedback-03-proposal-report-link")
    card.locator(".report-proposal").click()
    expect(page).to_have_url(re.compile(r"/pro/reports/new\?kind=proposal"))
    page.fill("textarea[name=details]", "Commentaire déplacé et paiement hors plateforme.")
    _no_horizontal_scroll(page)
    screenshot("feedback-04-report-form")
    page.click("form.report-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/pro/$"))
    expect(page.locator(".messages")).to_contain_text("support received your report")
    report = Report.objects.get()
    assert report.reported_customer == customer and report.kind == "proposal"

    # Support blacklists from the report: the customer's future booking is cancelled.
    support = type(pro.user).objects.create_superuser("support@example.com", "x" * 12)
    feedback_services.report_blacklist(report=report, by=support, reason="Propos déplacés")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    page.goto(f"/pro/bookings/{booking.pk}")
    expect(page.locator("#messages-panel .chat-closed")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot("feedback-05-after-blacklist")


def test_contact_support_and_my_reviews_on_a_phone(page, login_as, screenshot):
    service = Service.objects.get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    done = booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=_paris(-2, 10),
        status="completed",
    )
    feedback_services.review_create(
        booking=done, customer=customer, rating=5, comment="Très soigneuse, merci !"
    )
    login_as(pro.user.email)
    page.goto("/pro/settings")
    page.click(".lang-switch button[value=en]")
    page.click(".feedback-menu .menu-reviews")
    expect(page.locator(".review-list")).to_contain_text("Très soigneuse")
    _no_horizontal_scroll(page)
    screenshot("feedback-06-my-reviews")
    page.goto("/pro/settings")
    page.click(".feedback-menu .menu-support")
    page.fill("textarea[name=body]", "Comment changer ma zone ?")
    page.click("form.support-form button[type=submit]")
    expect(page.locator(".support-thread")).to_contain_text("Comment changer ma zone ?")
    _no_horizontal_scroll(page)
    screenshot("feedback-07-contact-support")
