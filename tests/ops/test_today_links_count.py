"""Each figure of the today page links to the admin list it counts (QA h15: "Pros connectés",
0, linked to the 10 active pros of the demo). A linked figure that is a plain number equals
the number of rows its list shows."""

import re

import pytest

from catalog.models import Service
from tests.factories import dispatchable_pro
from tests.ops.test_today_page import URL, _figures, support  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_every_linked_number_is_the_size_of_its_list(client, support):  # noqa: F811
    service = Service.objects.get(slug="menage-2h")
    dispatchable_pro(services=[service])
    dispatchable_pro(services=[service])
    figures = _figures(client.get(URL).content.decode())
    assert len(figures) >= 15
    compared = 0
    for label, (value, link) in figures.items():
        if not re.fullmatch(r"\d+", value):
            continue
        listed = client.get(link).context["cl"].result_count
        assert listed == int(value), (label, value, link, listed)
        compared += 1
    assert compared >= 10
