"""Weekly hours: every problem at once, each named with its day and shown on that day's row;
"copy to every day" works without JavaScript and saves nothing by itself."""

import re
from datetime import time

import pytest
from django.urls import reverse

from pros import services
from pros.models import WorkingHours
from pros.services.availability import working_hours_problems
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db


def _day_block(page: str, day: int) -> str:
    match = re.search(rf'<fieldset[^>]*id="day-{day}".*?</fieldset>', page, re.S)
    assert match, f"no fieldset for day {day}"
    return match.group(0)


def _inputs(block: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', block)


@pytest.fixture
def pro_client(client):
    pro = ProFactory(hours=[(3, "09:00", "17:00")])
    client.force_login(pro.user)
    client.pro = pro
    return client


def test_problems_are_named_by_day_all_at_once():
    problems = working_hours_problems(
        [
            (1, time(18), time(9)),
            (1, time(10), time(8)),
            (3, time(8), time(12)),
            (3, time(11), time(15)),
            (4, time(8), time(12)),
        ]
    )
    assert sorted(problems) == [1, 3]
    assert problems[1] == [
        "Mardi : la fin doit être après le début (18:00 – 09:00).",
        "Mardi : la fin doit être après le début (10:00 – 08:00).",
    ]
    assert problems[3] == ["Jeudi : deux plages se chevauchent."]


def test_service_refuses_with_every_day_and_writes_nothing():
    pro = ProFactory(hours=[(3, "09:00", "17:00")])
    with pytest.raises(services.InvalidHours) as caught:
        services.pro_set_working_hours(
            pro=pro, ranges=[(0, time(12), time(8)), (6, time(9), time(9))]
        )
    assert set(caught.value.fields) == {"day_0", "day_6"}
    assert "Lundi" in str(caught.value.message) and "Dimanche" in str(caught.value.message)
    assert list(pro.working_hours.values_list("weekday", flat=True)) == [3]


def test_page_shows_every_error_on_its_day_row(pro_client):
    data = {
        "start_1": "18:00",
        "end_1": "09:00",  # Tuesday: end before start
        "start_2": ["08:00", "11:00"],
        "end_2": ["12:00", "15:00"],  # Wednesday: overlap
        "start_4": "08:00",
        "end_4": "",  # Friday: missing end
        "start_5": "8h",
        "end_5": "12h",  # Saturday: not a time
        "start_0": "09:00",
        "end_0": "17:00",  # Monday: fine
    }
    response = pro_client.post(reverse("pros:settings_hours"), data)
    assert response.status_code == 400
    page = response.content.decode()
    expected = {
        1: "Mardi : la fin doit être après le début (18:00 – 09:00).",
        2: "Mercredi : deux plages se chevauchent.",
        4: "Vendredi : chaque plage horaire doit avoir un début et une fin.",
        5: "Samedi : heure invalide (8h – 12h).",
    }
    for day in range(7):
        block = _day_block(page, day)
        if day in expected:
            assert expected[day] in block, day
            assert f'aria-describedby="day-{day}-errors"' in block
        else:
            assert "errorlist" not in block, day
    # Each problem is shown once, on its row; the message area names the days.
    for message in expected.values():
        assert page.count(message) == 1
    flashed = [str(m) for m in response.context["messages"]]
    assert flashed == ["Horaires à corriger : Mardi, Mercredi, Vendredi, Samedi."]
    # What the pro typed stays in the inputs; nothing was saved.
    assert _inputs(_day_block(page, 5), "start_5") == ["8h"]
    assert list(pro_client.pro.working_hours.values_list("weekday", flat=True)) == [3]


def test_copy_shows_one_day_on_every_day_without_saving(pro_client):
    data = {
        "start_0": ["08:00", "14:00"],
        "end_0": ["12:00", "18:00"],
        "start_3": "09:00",
        "end_3": "17:00",
        "copy_from": "0",
    }
    response = pro_client.post(reverse("pros:settings_hours"), data)
    assert response.status_code == 200
    page = response.content.decode()
    for day in range(7):
        block = _day_block(page, day)
        assert _inputs(block, f"start_{day}") == ["08:00", "14:00"]
        assert _inputs(block, f"end_{day}") == ["12:00", "18:00"]
    assert [str(m) for m in response.context["messages"]] == [
        "Horaires copiés sur tous les jours : vérifiez-les puis enregistrez."
    ]
    assert list(pro_client.pro.working_hours.values_list("weekday", flat=True)) == [3]
    # Saving what the page now shows gives the same hours every day.
    saved = {f"start_{d}": ["08:00", "14:00"] for d in range(7)}
    saved |= {f"end_{d}": ["12:00", "18:00"] for d in range(7)}
    assert pro_client.post(reverse("pros:settings_hours"), saved).status_code == 302
    assert WorkingHours.objects.filter(pro=pro_client.pro).count() == 14


def test_copying_an_empty_day_clears_every_day_on_the_page(pro_client):
    data = {"start_3": "09:00", "end_3": "17:00", "copy_from": "6"}
    page = pro_client.post(reverse("pros:settings_hours"), data).content.decode()
    for day in range(7):
        assert _inputs(_day_block(page, day), f"start_{day}") == [""]


@pytest.mark.parametrize("copy_from", ["7", "-1", "x"])
def test_copy_from_an_unknown_day_is_a_plain_save(pro_client, copy_from):
    data = {"start_2": "09:00", "end_2": "12:00", "copy_from": copy_from}
    assert pro_client.post(reverse("pros:settings_hours"), data).status_code == 302
    assert list(pro_client.pro.working_hours.values_list("weekday", flat=True)) == [2]


def test_the_first_submit_button_saves(pro_client):
    """Enter in a time input presses the form's first submit button: it must save, not copy."""
    page = pro_client.get(reverse("pros:settings_hours")).content.decode()
    form = page[page.index('<form method="post"') :]
    first = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
    assert "copy_from" not in first
    assert form.count('name="copy_from"') == 7
