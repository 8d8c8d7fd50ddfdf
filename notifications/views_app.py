"""The installable pro web app's shell: the web app manifest, the service worker (served from
/pro/sw.js so that its scope is /pro/) and the page it shows when the network is gone.

All three are public and hold no personal data: the browser fetches the manifest without
credentials, and the service worker caches nothing but the offline page and its assets.
"""

import hashlib
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0f766e"
BACKGROUND_COLOUR = "#f5f7f8"


def offline_assets() -> list[str]:
    """What the service worker keeps for the offline page (public, static files only)."""
    return [
        reverse("notifications:offline"),
        static("css/app.css"),
        static("css/pro-app.css"),
        static("icons/icon-192.png"),
    ]


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    start_url = reverse("bookings:dashboard")
    data = {
        "id": start_url,
        "name": "Wecasa Pro",
        "short_name": "Wecasa Pro",
        "description": _("Your proposals, agenda and earnings as a Wecasa pro."),
        "lang": request.LANGUAGE_CODE,
        "start_url": start_url,
        "scope": start_url,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@never_cache  # browsers check it for updates; a stale copy would delay a fix by a day
def service_worker(request):
    assets = offline_assets()
    # The version changes whenever what the worker caches does, so an update replaces the cache.
    source = render_to_string(
        "notifications/app/sw.js",
        {
            "offline_url": json.dumps(assets[0]),
            "assets": json.dumps(assets),
            "icon": json.dumps(static("icons/icon-192.png")),
            "badge": json.dumps(static("icons/badge-96.png")),
        },
    )
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    source = source.replace("__VERSION__", version)
    return HttpResponse(source, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def offline(request):
    return render(request, "notifications/app/offline.html")
