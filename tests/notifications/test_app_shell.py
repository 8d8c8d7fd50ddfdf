"""The installable app's shell: manifest, service worker and offline page are public, hold no
personal data, and say what Chromium and Safari need (name, icons, start URL, standalone)."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_manifest_describes_an_installable_app(client):
    response = client.get("/pro/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Wecasa Pro"
    assert manifest["start_url"] == "/pro/"
    assert manifest["scope"] == "/pro/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0f766e"
    sizes = {icon["sizes"]: icon for icon in manifest["icons"] if "purpose" not in icon}
    assert set(sizes) == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


@pytest.mark.parametrize(
    "name, size",
    [
        ("icon-32.png", 32),
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("icon-maskable-512.png", 512),
        ("apple-touch-icon.png", 180),
        ("badge-96.png", 96),
    ],
)
def test_icons_are_square_pngs_of_their_size(name, size):
    with Image.open(finders.find(f"icons/{name}")) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_the_service_worker_is_served_from_the_pro_folder_and_never_cached(client):
    response = client.get("/pro/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    source = response.content.decode()
    assert 'var OFFLINE_URL = "/pro/offline";' in source
    assert "__VERSION__" not in source
    assert "&quot;" not in source  # JSON, not HTML-escaped
    # Only the offline page and static files are ever cached.
    assets = json.loads(source.split("var ASSETS = ", 1)[1].split(";", 1)[0])
    assert assets[0] == "/pro/offline"
    assert all(asset.startswith("/static/") for asset in assets[1:])


def test_the_service_worker_changes_with_what_it_caches(client, settings):
    first = client.get("/pro/sw.js").content
    settings.STATIC_URL = "/assets/"
    assert client.get("/pro/sw.js").content != first


def test_the_offline_page_is_public(client):
    response = client.get("/pro/offline")
    assert response.status_code == 200
    assert b'href="/pro/"' in response.content


def test_every_page_links_the_manifest(client):
    response = client.get("/pro/login")
    assert b'<link rel="manifest" href="/pro/manifest.webmanifest">' in response.content
    assert b'data-service-worker="/pro/sw.js"' in response.content
