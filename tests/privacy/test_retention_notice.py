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


def test_the_later_periods_are_shown_from_the_settings(client, settings):
    settings.PENDING_DOCUMENT_RETENTION_DAYS = 45
    settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS = 730
    settings.PRIVACY_EXPORT_LINK_HOURS = 48
    page = client.get("/privacy").content.decode()
    assert "abandonnée)&nbsp;:\n    45 jours après son envoi" in page
    assert "application):\n    45 days after its upload" in page
    assert "730 jours\n    (2 ans)\n    après la fermeture" in page
    assert "730 days\n    (2 years)\n    after their account" in page
    assert "données&nbsp;: 48 heures, puis le" in page and "data: 48 hours, then the file" in page


def test_the_carry_over_in_years_only_when_whole(client, settings):
    settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS = 365
    page = client.get("/privacy").content.decode()
    assert "365 jours\n    (1 an)\n" in page and "365 days\n    (1 year)\n" in page
    settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS = 500
    page = client.get("/privacy").content.decode()
    assert "500 jours\n    après la fermeture" in page
    assert "500 days\n    after their account" in page
