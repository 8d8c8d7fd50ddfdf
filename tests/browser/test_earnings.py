"""A pro on their phone (390 px) opens Earnings: next payout and its arrival, this period,
the 12-week chart, past payouts with their items, and downloads the CSV statement.
Screenshot: test-artifacts/screenshots/payouts-earnings.png."""

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from catalog.models import Service
from core import clock
from payouts import services
from tests.factories import ProFactory
from tests.payouts.conftest import close_session, make_customer

# The French wording comes with the lead's message catalogue; either language passes.
EARNINGS = re.compile("Revenus|Earnings")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_earnings_page_on_a_phone(page, login_as, screenshot):
    pro = ProFactory(active=True)
    customer = make_customer()
    cleaning = Service.objects.select_related("category").get(slug="menage-2h")
    today = clock.today()
    current = services.period_for("weekly", today)
    # Seven weeks of sessions (three a week), paid week by week, and two this week.
    for weeks_ago in range(7, 0, -1):
        start_day = current.start - timedelta(weeks=weeks_ago)
        for offset in range(weeks_ago % 3 + 1):
            start = clock.paris_datetime(start_day + timedelta(days=offset), time(9, 0))
            close_session(pro=pro, customer=customer, service=cleaning, start=start)
    for offset in range(2):
        start = clock.now() - timedelta(days=offset, hours=6)
        close_session(pro=pro, customer=customer, service=cleaning, start=start, closed_at=start)
    day = current.start - timedelta(weeks=7)
    while day <= today:
        services.charges_run_due(on=day)
        if day.weekday() == 2 and day < today:
            services.payout_batch_run(frequency="weekly", on=day)
        day += timedelta(days=1)

    login_as(pro.user.email)
    page.get_by_role("link", name=EARNINGS).click()
    expect(page.get_by_role("heading", name=EARNINGS, level=1)).to_be_visible()
    expect(page.locator(".earnings-next .earnings-amount")).to_contain_text("€")
    expect(page.locator("svg.earnings-chart rect.chart-bar")).to_have_count(12)
    page.locator(".payout summary").first.click()
    expect(page.locator(".payout-items li").first).to_be_visible()
    screenshot("payouts-earnings")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide

    with page.expect_download() as download:
        page.locator(".statement-form button[type=submit]").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Ménage" in text and text.count("\n") > 10
