"""/metrics: bearer token, Prometheus text format parsed by prometheus-client's parser, a
pinned number of queries, and the business metrics after real actions on a live server."""

import urllib.request
from datetime import time, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bookings import services, tasks
from catalog.models import Service
from core import clock
from tests.factories import booking_customer, booking_request_row, dispatchable_pro

TOKEN = "s3cret-metrics-token"


def _samples(text: str) -> dict:
    """{(sample name, frozenset(labels)): value}"""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.django_db
def test_without_a_token_setting_the_endpoint_does_not_exist(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {TOKEN}", "Bearer "])
def test_a_missing_or_wrong_token_is_refused(client, settings, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    assert client.get("/metrics", **extra).status_code == 403


@pytest.mark.django_db
def test_a_scrape_costs_at_most_two_queries(client, settings, django_assert_max_num_queries):
    settings.METRICS_TOKEN = TOKEN
    with django_assert_max_num_queries(2):  # the gauges' statement, the (cached) catalogue
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = _samples(response.content.decode())
    assert samples[("wecasa_metrics_redis_up", frozenset())] == 1
    assert samples[("wecasa_sweep_lag_seconds", frozenset({("sweep", "dispatch")}))] == 0
    assert samples[("wecasa_payouts_held", frozenset())] == 0
    with django_assert_max_num_queries(1):  # catalogue cached
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_live_server_scrape_shows_a_request_dispatched_and_accepted(live_server, settings):
    settings.METRICS_TOKEN = TOKEN
    service = Service.objects.select_related("category").get(slug="menage-2h")
    pro = dispatchable_pro(services=[service])
    customer, address = booking_customer()
    today = clock.today()
    start = clock.paris_datetime(today + timedelta(days=3), time(10, 0))

    request = services.booking_request_create(
        customer=customer, address=address, service=service, start=start
    )
    tasks.dispatch_request(request.pk)  # the wake-up's step: the proposal goes to the pro
    proposal = request.proposals.get(pro=pro)
    services.proposal_accept(proposal=proposal, pro=pro)

    scrape = urllib.request.Request(
        f"{live_server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(scrape, timeout=10) as response:
        text = response.read().decode()
    samples = _samples(text)
    labels = frozenset({("category", service.category.slug), ("lead_band", "ge48h")})
    assert samples[("wecasa_requests_created_total", labels)] == 1
    assert samples[("wecasa_requests_confirmed_total", labels)] == 1
    assert ("wecasa_requests_unfulfilled_total", labels) not in samples
    assert samples[("wecasa_proposals_sent_total", frozenset())] == 1
    accepted = frozenset({("answer", "accepted")})
    assert samples[("wecasa_proposals_answered_total", accepted)] == 1
    band = frozenset({("lead_band", "ge48h")})
    assert samples[("wecasa_first_accept_seconds_count", band)] == 1
    assert samples[("wecasa_first_accept_seconds_bucket", band | {("le", "+Inf")})] == 1
    assert samples[("wecasa_sweep_lag_seconds", frozenset({("sweep", "dispatch")}))] == 0


@pytest.mark.django_db
def test_with_redis_and_the_broker_down_the_scrape_still_answers(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    samples = _samples(response.content.decode())
    assert samples[("wecasa_metrics_redis_up", frozenset())] == 0
    assert samples[("wecasa_celery_broker_up", frozenset())] == 0
    assert ("wecasa_sweep_lag_seconds", frozenset({("sweep", "checkin")})) in samples


@pytest.mark.django_db
def test_sweep_lag_is_the_age_of_the_oldest_due_request(client, settings):
    settings.METRICS_TOKEN = TOKEN
    service = Service.objects.get(slug="menage-2h")
    customer, address = booking_customer()
    now = clock.now()
    booking_request_row(
        customer=customer,
        address=address,
        service=service,
        start=now + timedelta(days=2),
        next_dispatch_at=now - timedelta(minutes=3),
    )
    samples = _samples(
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    )
    lag = samples[("wecasa_sweep_lag_seconds", frozenset({("sweep", "dispatch")}))]
    assert 180 <= lag < 240
