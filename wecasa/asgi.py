"""ASGI entry point: what serves the site (uvicorn; gunicorn's uvicorn worker in production).

/pro/live, the dashboard's event stream, goes to a small ASGI app of its own
(notifications.views_live.LiveStreamApp) before Django: an open stream holds neither a thread
nor a database connection, only a socket and a coroutine on the event loop. Every other request
goes to Django as before (sync views in a thread pool).
"""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")
# A thread per request under ASGI: pooled connections, not persistent ones (wecasa/settings/database.py).
os.environ.setdefault("DATABASE_POOL", "true")

# WhiteNoise answers static files with a file iterator, which Django reads in a thread under
# ASGI (and says so on every file): they are small and cached by browsers.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

django_application = get_asgi_application()

# After Django is set up (get_asgi_application): these import models.
from django.urls import reverse  # noqa: E402

from notifications.views_live import LiveStreamApp  # noqa: E402
from pros.selectors import pro_for  # noqa: E402

LIVE_PATH = reverse("notifications:live")  # /pro/live
live_stream = LiveStreamApp(may_listen=lambda user: pro_for(user) is not None)


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == LIVE_PATH:
        await live_stream(scope, receive, send)
    else:
        await django_application(scope, receive, send)
