"""A pro on their phone (390 px) opens My score from the settings: the number, each part with
what it counted and what would raise it, refusals never counting, the 12-week chart; in French
and in English. Screenshots: test-artifacts/screenshots/pros-score-{fr,en}.png."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from core import clock
from pros import scoring
from tests.factories import ProFactory

# The French wording comes with the lead's message catalogue; either language passes.
MY_SCORE = re.compile("Mon score|My score")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _history(pro):
    """Twelve weeks of a pro getting better: fewer expiries and faster answers each week, a
    session honoured most weeks, a late cancellation early on, a few reviews, a rebooking."""
    now = clock.now()
    ids = iter(range(1, 10_000))
    for weeks_ago in range(12, -1, -1):
        week = now - timedelta(weeks=weeks_ago, hours=1)
        for index in range(4):
            sent = week - timedelta(hours=index)
            proposal = SimpleNamespace(
                pk=next(ids),
                pro_id=pro.pk,
                is_bonus=False,
                sent_at=sent,
                answered_at=sent + timedelta(minutes=2 + weeks_ago * 2),
                expires_at=sent + timedelta(minutes=30),
            )
            if index < weeks_ago // 4:
                scoring.score_proposals_expired(proposals=[proposal], at=proposal.expires_at)
            elif index == 3 and weeks_ago % 3 == 0:
                scoring.score_proposal_answered(proposal=proposal, refused=True)
            else:
                scoring.score_proposal_answered(proposal=proposal)
        if weeks_ago % 4:
            scoring.score_session_honoured(
                pro_id=pro.pk, booking_id=next(ids), at=week, outcome="done"
            )
    scoring.score_late_cancellation(
        pro_id=pro.pk, booking_id=next(ids), at=now - timedelta(weeks=10)
    )
    for stars, weeks_ago in ((4, 8), (5, 5), (5, 2)):
        scoring.score_rating_received(
            pro_id=pro.pk, review_id=next(ids), stars=stars, at=now - timedelta(weeks=weeks_ago)
        )
    scoring.score_rebooked(
        pro_id=pro.pk, booking_id=next(ids), customer_id=1, at=now - timedelta(weeks=1)
    )
    scoring.score_recompute(pro_ids=[pro.pk])


def test_my_score_on_a_phone_in_french_and_english(page, login_as, screenshot):
    pro = ProFactory(active=True)
    _history(pro)
    pro.refresh_from_db()
    assert pro.score > 50

    login_as(pro.user.email)
    page.goto("/pro/settings")
    page.get_by_role("link", name=MY_SCORE).click()
    expect(page.get_by_role("heading", name=MY_SCORE, level=1)).to_be_visible()
    expect(page.locator(".score-number strong")).to_have_text(str(pro.score))
    expect(page.locator(".score-part")).to_have_count(4)
    expect(page.locator("svg.score-chart circle")).to_have_count(12)
    screenshot("pros-score-fr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator(".lang-switch button[value=en]").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="My score", level=1)).to_be_visible()
    expect(page.get_by_text("Refusing a proposal never counts.")).to_be_visible()
    expect(page.locator("#part-responsiveness")).to_contain_text("You answered")
    screenshot("pros-score-en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
