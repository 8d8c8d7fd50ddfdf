"""GET /api/v1/charges, /api/v1/pro/earnings, /api/v1/pro/payouts; the pro's Earnings page
and CSV statement: content, isolation, query counts."""

import csv
import io
from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from payouts import services
from payouts.models import Charge

from .conftest import close_session, make_customer, make_pro, paris

pytestmark = pytest.mark.django_db
TODAY = paris(2026, 3, 13, 12)  # Friday after the batch of Wednesday 11 March


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def history(pro, customer, cleaning, gateway):
    """Two weeks of sessions, one weekly batch paid, one session this week."""
    with time_machine.travel(paris(2026, 3, 10, 8), tick=False):
        for day in (3, 5, 9):
            close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, day))
    with time_machine.travel(paris(2026, 3, 11, 7), tick=False):
        services.charges_run_due(on=date(2026, 3, 11), gateway=gateway)
    with time_machine.travel(paris(2026, 3, 11, 10), tick=False):
        services.payout_batch_run(frequency="weekly", gateway=gateway)
    with time_machine.travel(paris(2026, 3, 12, 18), tick=False):
        close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 12, 9))
        services.ledger_record_earnings()
    return pro


def test_a_customer_lists_their_own_charges(history, customer):
    other = make_customer()
    response = client_for(customer.user).get("/api/v1/charges")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["status"] == "succeeded" and first["kind"] == "session"
    assert first["retry_on"] is None and first["client_secret"] is None
    assert client_for(other.user).get("/api/v1/charges").json()["count"] == 0
    assert APIClient().get("/api/v1/charges").status_code == 401


def test_a_declined_charge_tells_the_app_when_it_is_retried(pro, cleaning, gateway):
    customer = make_customer(card="pm_fake_authrequired_")
    item = close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    services.charges_run_due(on=item.billable_on, gateway=gateway)
    (row,) = client_for(customer.user).get("/api/v1/charges").json()["results"]
    assert row["status"] == "due" and row["failure_code"] == "authentication_required"
    assert row["retry_on"] == "2026-03-05" and row["client_secret"]


def test_the_pro_api_gives_next_payout_this_period_and_payouts(history):
    api = client_for(history.user)
    with time_machine.travel(TODAY, tick=False):
        earnings = api.get("/api/v1/pro/earnings").json()
    share = Charge.objects.first().billable.pro_share_cents
    assert earnings["frequency"] == "weekly"
    assert earnings["next_period"]["arrival_on"] == "2026-03-23"
    assert earnings["next_payout_cents"] == share == earnings["current_period_cents"]
    assert earnings["held_reason"] == ""
    assert len(earnings["weeks"]) == 12 and earnings["weeks"][-2]["amount_cents"] == 3 * share
    payouts = api.get("/api/v1/pro/payouts").json()
    assert payouts["count"] == 1
    (payout,) = payouts["results"]
    assert payout["amount_cents"] == 3 * share and payout["status"] == "sent"
    assert payout["arrival_on"] == "2026-03-16" and len(payout["items"]) == 3
    customer_only = client_for(make_customer().user)
    assert customer_only.get("/api/v1/pro/payouts").status_code == 403


def test_the_earnings_page_shows_the_next_payout_chart_and_past_payouts(
    client, history, django_assert_max_num_queries
):
    client.force_login(history.user)
    with time_machine.travel(TODAY, tick=False), django_assert_max_num_queries(20):
        response = client.get("/pro/earnings")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and html.count('class="chart-bar') == 12
    assert "16 mars 2026" in html or "16 Mar 2026" in html
    assert "lundi 23 mars" in html.lower() or "monday 23 march" in html.lower()
    assert "/pro/earnings/statement.csv" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_page_warns_a_pro_without_iban(client, customer, cleaning):
    pro = make_pro(iban="")
    close_session(pro=pro, customer=customer, service=cleaning, start=paris(2026, 3, 3))
    client.force_login(pro.user)
    html = client.get("/pro/earnings").content.decode()
    assert "IBAN" in html and "/pro/settings/bank" in html


def test_the_csv_statement_lists_each_session_and_month_totals(client, history):
    client.force_login(history.user)
    response = client.get("/pro/earnings/statement.csv?start=2026-03-01&end=2026-03-31")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    lines = [row for row in rows[1:] if row and row[0].startswith("2026-03-")]
    assert len(lines) == 4
    assert lines[0][5] == "2026-03-16" and lines[-1][5] == ""  # paid, not yet
    total = [row for row in rows if row and row[0] == "2026-03" and len(row) == 3]
    assert total and total[0][1] == "4"
    # Someone else's data never shows; anonymous users go to the login page.
    other = make_pro()
    client.force_login(other.user)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/pro/earnings/statement.csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert not [row for row in rows[1:] if row and row[0].startswith("2026-")]
    client.logout()
    assert client.get("/pro/earnings").status_code == 302
