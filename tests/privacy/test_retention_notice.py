"""The privacy notice: public, French first then English, its retention periods taken from the
settings privacy/retention.py applies, linked from the pro sign-up and settings."""

import pytest

from tests.factories import ProFactory

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_notice_in_french_then_english(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Politique de confidentialité") < page.index("Privacy notice")
    for right in ("GET /api/v1/me/export", "DELETE /api/v1/me", "CNIL"):
        assert right in page


def test_the_periods_shown_are_the_ones_applied(client, settings):
    settings.ID_DOCUMENT_RETENTION_DAYS = 9
    settings.MESSAGE_RETENTION_DAYS = 401
    page = client.get("/privacy").content.decode()
    assert "d'un pro&nbsp;: 9 jours" in page and "identity document: 9 days" in page
    assert "401 jours après la séance" in page and "401 days after the session" in page


def test_only_read(client):
    assert client.post("/privacy").status_code == 405


def test_linked_from_the_pro_sign_up_and_settings(client):
    assert 'href="/privacy"' in client.get("/pro/signup").content.decode()
    pro = ProFactory(bare_active=True)
    client.force_login(pro.user)
    assert 'href="/privacy"' in client.get("/pro/settings").content.decode()
