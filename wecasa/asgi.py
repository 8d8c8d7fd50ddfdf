"""ASGI entry point: what serves the site (uvicorn; gunicorn's uvicorn worker in production).

ASGI lets the dashboard's event stream (notifications.views_live) stay open without holding a
thread; every other view runs as before (sync views in a thread pool).
"""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wecasa.settings")
# A thread per request under ASGI: pooled connections, not persistent ones (settings.py).
os.environ.setdefault("DATABASE_POOL", "true")

# WhiteNoise answers static files with a file iterator, which Django reads in a thread under
# ASGI (and says so on every file): they are small and cached by browsers.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

application = get_asgi_application()
