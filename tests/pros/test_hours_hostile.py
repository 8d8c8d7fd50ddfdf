"""Hostile times on the hours page (QA h15): a UTC offset ("08:00+05:00") made an aware time
that the rule compared with a naive one (500); fractions and bare hours were taken as times;
a 100,000-character value came back whole in the error message."""

import pytest
from django.urls import reverse

from tests.factories import ProFactory
from tests.pros.test_hours import _day_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro_client(client):
    pro = ProFactory(hours=[(3, "09:00", "17:00")])
    client.force_login(pro.user)
    client.pro = pro
    return client


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("08:00+05:00", "10:00"),
        ("08:00+05:00", "10:00+05:00"),
        ("08:00Z", "10:00"),
        ("08:00:00.5", "10:00"),
        ("08", "10"),
        ("T08:00", "10:00"),
    ],
)
def test_only_wall_clock_times_are_taken(pro_client, start, end):
    response = pro_client.post(reverse("pros:settings_hours"), {"start_2": start, "end_2": end})
    assert response.status_code == 400
    assert "Mercredi : heure invalide" in _day_block(response.content.decode(), 2)
    assert list(pro_client.pro.working_hours.values_list("weekday", flat=True)) == [3]


def test_seconds_from_a_browser_are_fine(pro_client):
    response = pro_client.post(
        reverse("pros:settings_hours"), {"start_2": "08:00:00", "end_2": "10:00"}
    )
    assert response.status_code == 302
    assert list(pro_client.pro.working_hours.values_list("weekday", flat=True)) == [2]


def test_a_huge_value_is_not_repeated_whole_in_the_message(pro_client):
    response = pro_client.post(
        reverse("pros:settings_hours"), {"start_0": "25:99", "end_0": "x" * 100_000}
    )
    assert response.status_code == 400
    block = _day_block(response.content.decode(), 0)
    assert "Lundi : heure invalide (25:99 – xxxxxxxx…)." in block
