"""The cheap paths of the dashboard poll and of the pro proposals API give exactly what the
general machinery would: the counter field as CounterForm renders it, the answer URLs as
`{% url %}` reverses them, the list rows as ProProposalOutSerializer serializes them; and the
API list costs the same queries with 5 or 50 open proposals."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from bookings.api.pro import ProProposalOutSerializer, pro_proposal_rows
from bookings.forms import CounterForm
from bookings.models import Proposal
from bookings.selectors import open_proposals_capped, open_proposals_for
from bookings.views import _card_context
from core import clock as core_clock
from tests.bookings.helpers import NOW, at
from tests.factories import booking_customer, booking_request_row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _open_proposals(pro, service, count, first_day=3, notes=""):
    for day in range(first_day, first_day + count):
        customer, address = booking_customer()
        request = booking_request_row(
            customer=customer, address=address, service=service, start=at(day, 10)
        )
        if notes:
            request.notes = notes
            request.save(update_fields=["notes"])
        Proposal.objects.create(
            request=request, pro=pro, sent_at=NOW, expires_at=NOW + timedelta(minutes=day)
        )


def test_an_open_card_gets_the_form_s_own_counter_field_and_the_answer_urls(
    clock, make_pro, service
):
    pro = make_pro()
    _open_proposals(pro, service, 2)
    for proposal in open_proposals_for(pro):
        card = _card_context(proposal)
        form = CounterForm(initial={"start": proposal.request.start}, auto_id=f"p{proposal.pk}_%s")
        assert card["counter_input"] == str(form["start"])
        assert card["counter_label"] == form["start"].label
        assert form["start"].id_for_label == f"p{proposal.pk}_start"
        assert card["urls"] == {
            action: reverse(f"bookings:proposal_{action}", args=[proposal.pk])
            for action in ("accept", "refuse", "counter")
        }


def test_the_api_rows_are_what_the_serializer_gives(clock, make_pro, service):
    pro = make_pro()
    _open_proposals(pro, service, 3, notes="Code 12A, 3e étage")
    proposals = list(open_proposals_for(pro))
    assert proposals
    expected = ProProposalOutSerializer(proposals, many=True).data
    assert pro_proposal_rows(proposals, now=core_clock.now()) == [dict(row) for row in expected]


def test_the_capped_api_rows_are_what_the_serializer_gives_to_the_microsecond(
    clock, make_pro, service
):
    pro = make_pro()
    _open_proposals(pro, service, 3)
    Proposal.objects.filter(pro=pro).update(
        sent_at=NOW - timedelta(microseconds=999_999),
        expires_at=NOW + timedelta(hours=2, microseconds=1),
    )
    rows, _more = open_proposals_capped(pro, now=core_clock.now(), limit=10)
    expected = ProProposalOutSerializer(list(open_proposals_for(pro)), many=True).data
    assert pro_proposal_rows(rows, now=core_clock.now()) == [dict(row) for row in expected]
    assert ".000001+" in pro_proposal_rows(rows, now=core_clock.now())[0]["expires_at"]


def test_the_api_list_costs_the_same_queries_with_5_or_50_open_proposals(
    clock, make_pro, service, django_assert_max_num_queries
):
    pro = make_pro()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(pro.user)[1]}")
    _open_proposals(pro, service, 5)
    client.get("/api/v1/pro/proposals")  # first request: the token's last-use write
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/pro/proposals").json()["count"] == 5
    _open_proposals(pro, service, 45, first_day=8)
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/pro/proposals").json()
    assert body["count"] == 50 and body["results"][0]["service_name"] == service.name


def _articles(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.findall(r"<article .*?</article>", html, flags=re.S)


def test_the_poll_s_cached_cards_are_the_cards_the_page_renders(clock, make_pro, service):
    pro = make_pro()
    client = Client()
    client.force_login(pro.user)
    _open_proposals(pro, service, 3, notes="Sonnez deux fois")
    page = client.get(reverse("bookings:dashboard")).content.decode()
    first = client.get("/pro/proposals", headers=HTMX).content.decode()
    second = client.get("/pro/proposals", headers=HTMX).content.decode()  # from the cache
    assert len(_articles(page)) == 3
    assert _articles(first) == _articles(second) == _articles(page)
    assert 'id="p' in first and "csrfmiddlewaretoken" in second and "\ue000" not in second


def test_a_changed_request_shows_in_the_next_poll(clock, make_pro, service):
    pro = make_pro()
    client = Client()
    client.force_login(pro.user)
    _open_proposals(pro, service, 1, notes="Sonnez deux fois")
    assert "Sonnez deux fois" in client.get("/pro/proposals", headers=HTMX).content.decode()
    request = Proposal.objects.get(pro=pro).request
    request.notes = "Le code est 12B"
    request.save(update_fields=["notes"])
    html = client.get("/pro/proposals", headers=HTMX).content.decode()
    assert "Le code est 12B" in html and "Sonnez deux fois" not in html


def test_the_api_s_first_page_is_drf_s_first_page(clock, make_pro, service):
    pro = make_pro()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(pro.user)[1]}")
    _open_proposals(pro, service, 25)
    first = client.get("/api/v1/pro/proposals").json()
    same = client.get("/api/v1/pro/proposals?page=1").json()  # through DRF's paginator
    assert first == same
    assert first["count"] == 25 and len(first["results"]) == 20
    assert first["next"].endswith("/api/v1/pro/proposals?page=2") and first["previous"] is None
    assert client.get(first["next"]).json()["count"] == 25


def test_the_capped_cards_are_the_first_open_proposals_with_what_their_cards_show(
    clock, make_pro, service, django_assert_num_queries
):
    pro, other = make_pro(), make_pro()
    _open_proposals(pro, service, 13, notes="Code 12A")
    _open_proposals(other, service, 2)
    Proposal.objects.filter(pro=pro).order_by("-expires_at")[:1].get().delete()  # 12 left
    answered = Proposal.objects.filter(pro=pro).order_by("expires_at").first()
    Proposal.objects.filter(pk=answered.pk).update(status=Proposal.Status.REFUSED)  # 11 open
    now = core_clock.now()
    expected = list(open_proposals_for(pro, now=now))
    cards, more = open_proposals_capped(pro, now=now, limit=10)
    assert [card.pk for card in cards] == [p.pk for p in expected[:10]] and more == 1
    shown = ("status", "is_bonus", "sent_at", "expires_at", "request_id", "pro_id")
    with django_assert_num_queries(0):  # everything a card and an API row read is loaded
        for card, reference in zip(cards, expected, strict=False):
            assert [getattr(card, name) for name in shown] == [
                getattr(reference, name) for name in shown
            ]
            req, ref = card.request, reference.request
            assert (req.start, req.end, req.notes, req.pro_net_cents, req.booking_deadline) == (
                ref.start,
                ref.end,
                ref.notes,
                ref.pro_net_cents,
                ref.booking_deadline,
            )
            assert (req.service.name, req.address.postal_code, req.address.city) == (
                ref.service.name,
                ref.address.postal_code,
                ref.address.city,
            )
            _card_context(card, now=now)
        assert pro_proposal_rows(cards, now=now) == pro_proposal_rows(expected[:10], now=now)
    assert open_proposals_capped(other, now=now, limit=10)[1] == 0
