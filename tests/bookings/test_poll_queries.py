"""Query counts pinned for the two things a pro's app asks most often (issue 13): the dashboard
poll (htmx GET /pro/proposals) and the pro proposals API, with few and with many open
proposals. A signed-in poll is the session, the user with their pro profile
(core.auth_backends), and the capped proposals with their total; the API is the token with its
user and pro (core.api_input.TokenAuthentication) and one query for the page and its total."""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.bookings.test_poll_cost import HTMX, _open_proposals

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("open_count", [2, 12])
def test_the_dashboard_poll_costs_three_queries(
    clock, make_pro, service, open_count, django_assert_max_num_queries
):
    pro = make_pro()
    _open_proposals(pro, service, open_count)
    client = Client()
    client.force_login(pro.user)
    client.get("/pro/proposals", headers=HTMX)  # first poll: the cards' cache is filled
    with django_assert_max_num_queries(3):
        response = client.get("/pro/proposals", headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().count("<article ") == min(open_count, 10)


@pytest.mark.parametrize("open_count", [2, 30])
def test_the_pro_proposals_api_costs_two_queries(
    clock, make_pro, service, open_count, django_assert_max_num_queries
):
    pro = make_pro()
    _open_proposals(pro, service, open_count)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(pro.user)[1]}")
    client.get("/api/v1/pro/proposals")  # first request: the token's last-use write
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/pro/proposals").json()
    assert body["count"] == open_count
