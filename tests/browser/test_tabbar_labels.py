"""The bottom tab bar at 390 px (QA h15): "Tableau de bord" wraps on two lines; each line
must be centred inside its tab, never against the screen's left edge."""

import pytest

from catalog.models import Service
from tests.factories import dispatchable_pro

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LABEL_LINES = """() => Array.from(document.querySelectorAll('.tabbar .tab')).map(tab => {
  const box = tab.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(tab);
  const lines = Array.from(range.getClientRects()).filter(r => r.width > 20);
  return {label: tab.innerText, left: box.left, right: box.right,
          lines: lines.map(r => [r.left, r.right])};
})"""


def test_every_tab_label_line_is_centred_inside_its_tab(page, login_as, screenshot):
    pro = dispatchable_pro(services=[Service.objects.get(slug="menage-2h")])
    login_as(pro.user.email)
    page.goto("/pro/")
    tabs = page.evaluate(LABEL_LINES)
    assert len(tabs) == 4
    assert any("\n" in tab["label"] or len(tab["lines"]) > 2 for tab in tabs)  # one wraps
    for tab in tabs:
        for left, right in tab["lines"]:
            assert left >= tab["left"] + 2 and right <= tab["right"] - 2, tab
            # centred: the free space on each side differs by at most a pixel
            assert abs((left - tab["left"]) - (tab["right"] - right)) <= 1.5, tab
    screenshot("tabbar-labels")
