# ruff: noqa: F401, F811  (fixtures imported from tests/privacy/privacy_world.py)
"""The pro's "Mes données" and "Fermer mon compte" pages (server side; the phone run is
tests/browser/test_privacy_pages.py)."""

from datetime import timedelta

import pytest

from payouts.models import Payout
from privacy.models import DataExport
from tests.privacy.privacy_world import (  # fixtures
    NOW,
    PASSWORD,
    cleaning,
    clock,
    tasks_inline,
    world,
)

pytestmark = pytest.mark.django_db


def test_export_button_then_throttled_message(
    world, client, mailoutbox, tasks_inline, django_capture_on_commit_callbacks
):
    client.force_login(world["pro"].user)
    page = client.get("/pro/settings/my-data")
    assert page.status_code == 200 and 'id="export-button"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pro/settings/my-data/export", follow=True)
    assert "vous recevrez un lien" in response.content.decode()
    assert DataExport.objects.get(user=world["pro"].user).status == DataExport.Status.READY
    assert "/pro/data-export/" in mailoutbox[-1].body
    page = client.get("/pro/settings/my-data").content.decode()
    assert 'id="export-button"' not in page and "Nouvelle copie possible" in page
    response = client.post("/pro/settings/my-data/export", follow=True)
    assert "récemment" in response.content.decode()
    assert DataExport.objects.filter(user=world["pro"].user).count() == 1


def test_blockers_are_shown_and_nothing_to_confirm(world, client):
    Payout.objects.filter(pro=world["pro"]).update(status=Payout.Status.SENT)
    client.force_login(world["pro"].user)
    page = client.get("/pro/settings/close-account").content.decode()
    assert 'id="closure-blockers"' in page and "versement" in page
    assert 'id="close-account-form"' not in page
    response = client.post("/pro/settings/close-account", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 409
    world["pro"].user.refresh_from_db()
    assert world["pro"].user.is_active


def test_wrong_password_then_closed_and_logged_out(world, client):
    client.force_login(world["pro"].user)
    response = client.post("/pro/settings/close-account", {"password": "nope", "confirm": "on"})
    assert response.status_code == 400
    assert "Mot de passe incorrect" in response.content.decode()
    response = client.post("/pro/settings/close-account", {"password": PASSWORD})
    assert response.status_code == 400  # the box not ticked
    response = client.post(
        "/pro/settings/close-account", {"password": PASSWORD, "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/pro/account-closed"
    assert "Votre compte est fermé" in response.content.decode()
    assert client.get("/pro/settings").status_code == 302  # signed out
    world["pro"].user.refresh_from_db()
    assert not world["pro"].user.is_active


@pytest.mark.parametrize("data", [{"password": PASSWORD, "confirm": "on"}, {}])
def test_blocked_closure_shows_only_the_blockers(world, client, data):
    """QA: a blocked closure read "corrigez les erreurs" although there is no form to fix."""
    Payout.objects.filter(pro=world["pro"]).update(status=Payout.Status.SENT)
    client.force_login(world["pro"].user)
    response = client.post("/pro/settings/close-account", data)
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="closure-blockers"' in page and "versement" in page
    assert "corriger" not in page.lower() and 'id="close-account-form"' not in page
    assert 'role="alert"' not in page


def test_export_request_by_get_goes_to_my_data(world, client):
    client.force_login(world["pro"].user)
    response = client.get("/pro/settings/my-data/export")
    assert response.status_code == 302 and response.url == "/pro/settings/my-data"
    assert not DataExport.objects.filter(user=world["pro"].user).exists()
