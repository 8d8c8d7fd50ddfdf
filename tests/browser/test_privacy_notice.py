"""The privacy notice on a phone (390 px): readable, nothing wider than the screen."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_privacy_notice_on_a_phone(page, screenshot):
    page.goto("/privacy")
    assert page.locator("h1").first.inner_text() == "Politique de confidentialité"
    assert page.locator("#en h1").inner_text() == "Privacy notice"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot("privacy-notice")
