"""The score explained: the pro's My score page, GET /api/v1/pro/score and support's admin page
show the same facts (each part, what it counted, what would raise it, 12 weeks)."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse

from core.clock import PARIS
from pros import scoring
from tests.factories import ProFactory, UserFactory
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


@pytest.fixture
def pro(time_machine):
    """A pro with 18 of 20 proposals answered (4 minutes each), 3 refused, 4 sessions honoured,
    a review, recomputed as on commit."""
    time_machine.move_to(NOW, tick=False)
    pro = ProFactory(bare_active=True)
    sent = NOW - timedelta(days=3)
    for index in range(23):
        proposal = SimpleNamespace(
            pk=index + 1,
            pro_id=pro.pk,
            is_bonus=False,
            sent_at=sent,
            answered_at=sent + timedelta(minutes=4),
            expires_at=sent + timedelta(minutes=30),
        )
        if index < 18:
            scoring.score_proposal_answered(proposal=proposal)
        elif index < 20:
            with TestCase.captureOnCommitCallbacks(execute=True):
                scoring.score_proposals_expired(
                    proposals=[proposal], at=sent + timedelta(minutes=30)
                )
        else:
            scoring.score_proposal_answered(proposal=proposal, refused=True)
    for booking_id in range(4):
        scoring.score_session_honoured(
            pro_id=pro.pk, booking_id=booking_id, at=NOW - timedelta(days=20), outcome="done"
        )
    scoring.score_rating_received(pro_id=pro.pk, review_id=1, stars=5, at=NOW)
    scoring.score_recompute(pro_ids=[pro.pk])
    pro.refresh_from_db()
    return pro


def test_my_score_page_explains_each_part_in_plain_words(
    client, pro, django_assert_max_num_queries
):
    client.force_login(pro.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("pros:score"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<strong>{pro.score}</strong>" in page and pro.score > 50
    assert "You answered 18 of 20 proposals, in 4 minutes on average." in page
    assert "You refused 3: refusals never count." in page
    assert "Refusing a proposal never counts." in page
    assert "You honoured 4 sessions; 0 cancelled less than 24 hours before." in page
    assert "Average 5.0 stars from 1 review" in page
    assert "What would raise it most" in page and "To raise it:" in page
    assert page.count("<circle") == 12 and "<polyline" in page
    assert "style=" not in page.split("<main", 1)[1]  # CSP: no inline style


def test_a_new_pro_sees_the_neutral_score_and_why(client, time_machine):
    time_machine.move_to(NOW, tick=False)
    pro = ProFactory(bare_active=True)
    client.force_login(pro.user)
    page = client.get(reverse("pros:score"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>50</strong>" in page
    assert "Your score stays at 50 (neutral) until 5 things count" in page
    assert "You have 0 so far." in page


def test_the_settings_menu_links_to_my_score(client, pro):
    client.force_login(pro.user)
    page = client.get(reverse("pros:settings")).content.decode()
    assert reverse("pros:score") in page


def test_the_score_page_needs_a_pro(client):
    response = client.get(reverse("pros:score"))
    assert response.status_code == 302 and reverse("pros:login") in response["Location"]


def test_api_gives_the_same_facts(api_client, pro):
    api_client.force_authenticate(pro.user)
    response = api_client.get("/api/v1/pro/score", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["score"] == pro.score and body["is_neutral"] is False
    assert [part["key"] for part in body["components"]] == [
        "responsiveness",
        "reliability",
        "rating",
        "loyalty",
    ]
    assert sum(part["weight"] for part in body["components"]) == 100
    expected = {
        "proposals": 20,
        "answered": 18,
        "expired": 2,
        "refused": 3,
        "average_answer_seconds": 240,
        "honoured": 4,
        "ratings": 1,
        "average_rating": 5.0,
    }
    assert {key: body["facts"][key] for key in expected} == expected
    assert len(body["weeks"]) == 12 and body["weeks"][-1]["score"] == pro.score
    assert body["components"][0]["counts"].startswith("You answered 18 of 20 proposals")


def test_api_refuses_anonymous_and_non_pros(api_client):
    assert api_client.get("/api/v1/pro/score").status_code == 401
    api_client.force_authenticate(UserFactory())
    response = api_client.get("/api/v1/pro/score")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_pro"


def test_support_sees_the_same_in_the_pros_admin_page(client, pro):
    ensure_support_group()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    response = client.get(
        reverse("admin:pros_pro_change", args=[pro.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "You answered 18 of 20 proposals" in page
    assert "refusals never count" in page
    assert page.count("<circle") == 12
