"""Django settings for wecasa: configuration only, every value from the environment.

Bad values fail loudly at start-up (django-environ raises ImproperlyConfigured).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab  # noqa: F401  (used by later beat entries)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.logging import logging_config
from core.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Development by default (a fresh clone runs with no .env); production sets DJANGO_DEBUG=false
# and then must provide DJANGO_SECRET_KEY.
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="dev-insecure-secret-key-change-me" if DEBUG else ""
)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links (e-mails, the personal link). Unset: this machine on the port `make run` serves
# (PORT, 8000 by default), so `make run PORT=8001` needs no SITE_URL.
SITE_URL = env.str("SITE_URL", default="") or f"http://localhost:{env.int('PORT', default=8000)}"

# --- HTTPS, proxies and browser security -----------------------------------------------------
# Production defaults when DJANGO_DEBUG=false; each one can be turned off from the environment
# (e.g. to try the docker-compose stack over plain http on localhost).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The container healthcheck and Prometheus (inside the stack) call gunicorn over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
# How many reverse proxies (nginx, a load balancer) stand between the client and gunicorn,
# each appending to X-Forwarded-For. 0: forwarded headers are ignored (anyone can forge them);
# N: the client address is the N-th entry from the right, and X-Forwarded-Proto is trusted.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 or more.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None
# Content-Security-Policy (django-csp 4): pages load scripts and styles only from our static
# files; no inline script, event handler, style attribute or eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    # API tokens: hashed, one per login (device), expiring, renewed on use (core.services).
    "knox",
    # Login lock-out on every door (core.doors).
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # Our apps, in layering order (lowest first).
    "core",
    "notifications",
    "catalog",
    "customers",
    "pros",
    "bookings",
    "checkin",
    "feedback",
    "payouts",
    # Above every domain app, independent of each other: vital signs and personal data.
    "ops",
    "privacy",
    # The project itself, above every app: cross-app roles (wecasa/roles.py).
    "wecasa",
]

MIDDLEWARE = [
    # First: every later middleware's log lines carry the request id (core/request_id.py).
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 413 for an oversized /api/ body before anything reads it.
    "core.middleware.ApiBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # `Idempotency-Key` on the API's POSTs: a retry replays the first answer (core.idempotency).
    "core.idempotency_middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RememberLanguageMiddleware",
    # Rate limits on the web forms of settings.THROTTLED_WEB_FORMS.
    "core.doors.WebDoorsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its answer (core.doors).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wecasa.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "notifications.context_processors.unread",
            ],
        },
    },
]

WSGI_APPLICATION = "wecasa.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/wecasa"),
}
# Reused connections (a new one per request cost half the throughput). Sync processes (Celery,
# a WSGI worker) keep one persistent connection per thread, checked before reuse so a restarted
# server is no error. Under ASGI (wecasa/asgi.py sets DATABASE_POOL) every request runs in a
# thread of its own, so a persistent connection would be one per request until it is collected
# (measured: 89 of PostgreSQL's 100 held by one uvicorn process); there a psycopg pool bounded
# per process lends connections instead, and Django's pool refuses CONN_MAX_AGE.
if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docker-compose's pgbouncer): no server-side cursors,
# which would outlive the transaction that PgBouncer gives back to its pool.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)
DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
    "DATABASE_TEST_NAME", default="test_wecasa"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default="redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": "wecasa",
        # One pooled client per process (Django's RedisCache keeps it), bounded.
        "OPTIONS": {"max_connections": env.int("CACHE_MAX_CONNECTIONS", default=20)},
    }
}

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "pros:login"
LOGIN_REDIRECT_URL = "bookings:dashboard"
LOGOUT_REDIRECT_URL = "pros:login"
# Login lock-out: after this many failures in the window, the account is locked for the window.
# Counted per e-mail AND client address, so an attacker elsewhere cannot lock the owner out.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# django-axes does the counting (core.doors); the backend refuses locked attempts first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # works with Redis down
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "core.doors.login_failure_limit"  # LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = "core.doors.login_cool_off"  # LOGIN_LOCKOUT_SECONDS
# The lock-out lasts the window from the last counted failure; attempts while locked do not
# extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "core.doors.login_username"
AXES_CLIENT_IP_CALLABLE = "core.doors.client_ip"  # the throttles' address (NUM_PROXIES)
AXES_LOCKOUT_CALLABLE = "core.doors.login_locked_out"
AXES_DISABLE_ACCESS_LOG = True  # failures only: no row per successful login
AXES_VERBOSE = False
# Web forms rate-limited per client address, with the API's throttle rates (core.doors).
THROTTLED_WEB_FORMS = {
    "admin:login": "login",
    "pros:login": "login",
    "pros:password_reset": "password_reset",
    "pros:signup": "register",
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Pros' documents: never under MEDIA_URL, served only through an access-checked view.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Wecasa <no-reply@wecasa.example>")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # `Authorization: Token <key>` with knox's hashed, expiring tokens (REST_KNOX below).
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api_input.TokenAuthentication"],
    # JSON with a nesting limit (a deep body is refused before it can exhaust the stack).
    "DEFAULT_PARSER_CLASSES": [
        "core.api_input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api_input.PageNumberPagination",  # `page` checked
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
    # drf-spectacular plus the error answers every operation can give (core.openapi).
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
        "register": env.str("THROTTLE_REGISTER", default="10/hour"),
    },
    "DATETIME_FORMAT": "iso-8601",
    # Throttles key on REMOTE_ADDR unless proxies are configured (see NUM_PROXIES above).
    "NUM_PROXIES": NUM_PROXIES,
}
# `Idempotency-Key`: how long a key (and the answer it replays) is kept, and how long a request
# holding one may run before a retry takes it as lost (core.idempotency).
IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))
IDEMPOTENCY_LEASE = timedelta(seconds=env.int("IDEMPOTENCY_LEASE_SECONDS", default=60))
# Deepest JSON nesting an API body may have (core.api_input.JSONParser).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # A token expires after this long unused; each use renews it (at most once a minute)...
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    # ...but never past this age: then the app logs in again.
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env.int("API_TOKEN_MAX_AGE_DAYS", default=365)),
}
# Devices (tokens) one account may keep; a new login beyond it revokes the oldest.
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=20)
SPECTACULAR_SETTINGS = {
    "TITLE": "Wecasa API",
    "DESCRIPTION": "Customer app and pro mobile app API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several bookings models have a `status` with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "BookingRequestStatusEnum": "bookings.models.BookingRequest.Status",
        "ProposalStatusEnum": "bookings.models.Proposal.Status",
        "CounterOfferStatusEnum": "bookings.models.CounterOffer.Status",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        # One name for check-in's declarations (a `kind` here, `allowed_declarations` there)
        # and one for reports' kinds: two `kind` choice sets would otherwise collide.
        "DeclarationEnum": "checkin.models.Declaration",
        "ReportKindEnum": "feedback.models.Report.Kind",
    },
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="wecasa")
# Notification e-mails (and later pushes) on their own queue: a slow mail server never delays
# the dispatch engine. Workers consume both queues (scripts/run.sh, docker-compose.yml).
CELERY_NOTIFICATIONS_QUEUE = env.str("CELERY_NOTIFICATIONS_QUEUE", default="notifications")
CELERY_TASK_ROUTES = {"notifications.tasks.*": {"queue": CELERY_NOTIFICATIONS_QUEUE}}
# Publishing reuses pooled broker connections (Celery's producer pool).
CELERY_BROKER_POOL_LIMIT = env.int("CELERY_BROKER_POOL_LIMIT", default=10)
CELERY_TIMEZONE = TIME_ZONE
# Above the longest countdown we enqueue (answer times are at most 60 min), so a
# delayed wake-up is never redelivered while still waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 60 * 60}
CELERY_BEAT_SCHEDULE = {
    # Every 30 s: expire due proposals and open the next wave; countdown wake-ups only
    # make this prompt, the sweep makes it certain.
    "dispatch-sweep": {
        "task": "bookings.tasks.dispatch_sweep",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
}

# --- Domain settings --------------------------------------------------------------------------
H3_RESOLUTION = env.int("H3_RESOLUTION", default=7)
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="fake")
if PAYMENT_GATEWAY not in {"fake", "stripe"}:
    raise ImproperlyConfigured("PAYMENT_GATEWAY must be 'fake' or 'stripe'.")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# The Connect endpoint's secret (events of pros' connected accounts), when it is a second one.
STRIPE_CONNECT_WEBHOOK_SECRET = env.str("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
if PAYMENT_GATEWAY == "stripe" and not STRIPE_SECRET_KEY:
    raise ImproperlyConfigured("STRIPE_SECRET_KEY must be set when PAYMENT_GATEWAY=stripe.")

# Customers may book up to this long before the start.
BOOKING_MIN_LEAD = timedelta(hours=env.int("BOOKING_MIN_LEAD_HOURS", default=2))
# ...and at most this long before it (API, web forms and services: bookings.rules.horizon_problem).
BOOKING_MAX_AHEAD = timedelta(days=env.int("BOOKING_MAX_AHEAD_DAYS", default=366))
# Gap kept free between two sessions of one pro, for travel.
DISPATCH_TRAVEL_BUFFER = timedelta(minutes=env.int("DISPATCH_TRAVEL_BUFFER_MINUTES", default=30))
# Wave policy: (minimum lead time, pros open at once, answer time), first match wins.
DISPATCH_WAVES = [
    (timedelta(hours=48), 1, timedelta(minutes=60)),
    (timedelta(hours=24), 1, timedelta(minutes=30)),
    (timedelta(hours=6), 2, timedelta(minutes=15)),
    (timedelta(0), 3, timedelta(minutes=5)),
]
# The sweep claims due requests this many at a time (one transaction and one set-based step
# per batch) and yields after this many seconds, below the 30 s beat: the next pass goes on.
# 250: ~x0.75 the time per request of 100 (bench/sweep.py), a batch's transaction still well
# under a second (a pro answering one of its requests waits at most that).
DISPATCH_SWEEP_BATCH = env.int("DISPATCH_SWEEP_BATCH", default=250)
DISPATCH_SWEEP_SECONDS = env.float("DISPATCH_SWEEP_SECONDS", default=20.0)
# A wake-up also steps up to this many other due requests in its transaction (bursts).
DISPATCH_WAKE_BATCH = env.int("DISPATCH_WAKE_BATCH", default=20)
PRO_DEFAULT_SCORE = 50

# --- Web push and the live dashboard (notifications/vapid.py, push.py, live.py) ----------------
# The VAPID private key (base64url, raw P-256; `manage.py webpush_keys` makes one). Unset: a
# development pair is generated per process (make run shares one: .run/webpush.env) when
# WEBPUSH_GENERATE_DEV_KEYS (default DEBUG), else web push is off.
WEBPUSH_VAPID_PRIVATE_KEY = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_GENERATE_DEV_KEYS = env.bool("WEBPUSH_GENERATE_DEV_KEYS", default=DEBUG)
# Who push services contact about our pushes (the JWT's `sub`): a mailto: or https: URL.
WEBPUSH_VAPID_SUBJECT = env.str("WEBPUSH_VAPID_SUBJECT", default="mailto:support@wecasa.example")
# Subscriptions are accepted only for these push services (host, or ".suffix"), over https:
# the server POSTs to the endpoint, which must never be one of our own internal addresses.
WEBPUSH_ENDPOINT_HOSTS = env.list(
    "WEBPUSH_ENDPOINT_HOSTS",
    default=[
        "fcm.googleapis.com",
        ".push.services.mozilla.com",
        ".push.apple.com",
        ".notify.windows.com",
    ],
)
# Tests push to a local http endpoint; never in production.
WEBPUSH_ALLOW_HTTP_ENDPOINTS = env.bool("WEBPUSH_ALLOW_HTTP_ENDPOINTS", default=False)
# How long a push service keeps a message for an offline device (one without an expiry of its
# own; a proposal's push lives until its answer time ends), and how long we wait for it.
WEBPUSH_TTL = timedelta(hours=env.int("WEBPUSH_TTL_HOURS", default=24))
WEBPUSH_TIMEOUT_SECONDS = env.float("WEBPUSH_TIMEOUT_SECONDS", default=5.0)
WEBPUSH_MAX_DEVICES = env.int("WEBPUSH_MAX_DEVICES", default=10)
# The dashboard's event stream (server-sent events, served under ASGI only): Redis pub/sub
# channels `<prefix>:user:<id>`, a heartbeat comment every LIVE_HEARTBEAT_SECONDS, and a stream
# ends after LIVE_STREAM_SECONDS (the browser reconnects at once, with its session re-checked).
LIVE_REDIS_URL = env.str("LIVE_REDIS_URL", default=REDIS_URL)
LIVE_CHANNEL_PREFIX = env.str("LIVE_CHANNEL_PREFIX", default="wecasa:live")
LIVE_HEARTBEAT_SECONDS = env.float("LIVE_HEARTBEAT_SECONDS", default=20.0)
LIVE_STREAM_SECONDS = env.float("LIVE_STREAM_SECONDS", default=15 * 60.0)

# --- Vital signs (core/metrics.py, ops/; README "Operating it: vital signs") ------------------
# Business counters live in Redis, shared by web and worker processes.
METRICS_REDIS_URL = env.str("METRICS_REDIS_URL", default=REDIS_URL)
METRICS_KEY_PREFIX = env.str("METRICS_KEY_PREFIX", default="wecasa:metrics")
# `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>` (403 otherwise); unset, 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Addresses typed in a pro's zone settings are looked up in France's national address base
# (pros/geocoding.py): `ban`, or `none` (no network; the form's "use my position" still works).
GEOCODER = env.str("GEOCODER", default="none")  # no outside network unless asked for
if GEOCODER not in {"ban", "none"}:
    raise ImproperlyConfigured("GEOCODER must be 'ban' or 'none'.")
GEOCODER_BAN_URL = env.str("GEOCODER_BAN_URL", default="https://api-adresse.data.gouv.fr")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT_SECONDS", default=2.0)

# --- Logs and error reporting (core/logging.py, core/request_id.py, core/sentry.py) -----------
# JSON lines in production, readable lines in development; every record carries the request id
# (X-Request-ID, carried into the Celery tasks a request enqueues) and, in dispatch, the booking
# request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
try:
    LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
# Workers log through settings.LOGGING too (wecasa/celery.py), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Sentry only when SENTRY_DSN is set (Django, Celery, Redis; personal data scrubbed).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
SENTRY_ENABLED = init_sentry(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    release=SENTRY_RELEASE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

# --- Check-in, cancellations and fees (checkin/rules.py; the README lists them) --------------
# Check-in (arrival and the on-site declarations) opens this long before the start.
CHECKIN_OPENS_BEFORE = timedelta(minutes=env.int("CHECKIN_OPENS_BEFORE_MINUTES", default=30))
# With the customer absent, the pro may leave (and declare a no-show) this long after the start.
CHECKIN_MAY_LEAVE_AFTER = timedelta(minutes=env.int("CHECKIN_MAY_LEAVE_AFTER_MINUTES", default=30))
# Declarations are accepted until the end of this many days after the appointment date (Paris).
CHECKIN_DECLARATION_DAYS = env.int("CHECKIN_DECLARATION_DAYS", default=5)
# A pending declaration is recalled to the pro on these days after the session, at this hour.
CHECKIN_REMINDER_DAYS = (1, 4)
CHECKIN_REMINDER_HOUR = env.int("CHECKIN_REMINDER_HOUR", default=10)
CHECKIN_LATE_MINUTES = (5, 120)  # allowed range of a "late" declaration
CHECKIN_SWEEP_BATCH = env.int("CHECKIN_SWEEP_BATCH", default=200)
# Customer cancellation: free within this long after booking, whatever the lead time...
CANCELLATION_FREE_AFTER_BOOKING = timedelta(minutes=15)
# ...else the first tier whose lead time (start - now) is reached: (lead, % of the price, cap in
# cents). A boundary belongs to the cheaper tier (8 h before exactly is free). None = any lead,
# after the start too. Help-centre tiers: >= 8 h free, 8-4 h €10, 4-2 h 50 % <= €20, < 2 h 80 % <= €30.
CANCELLATION_FEES = [
    (timedelta(hours=8), 0, 0),
    (timedelta(hours=4), 100, 1000),
    (timedelta(hours=2), 50, 2000),
    (None, 80, 3000),
]
# Customer absent (no-show declared by the pro): % of the price, cap in cents.
CANCELLATION_ABSENCE_FEE = (100, 4000)
# Pro cancellations: late under this lead time; this many late ones within the window block
# new proposals for the block's length. A cancellation leaves the request to other pros when
# the start is at least PRO_CANCEL_REDISPATCH_MIN_LEAD away.
PRO_LATE_CANCEL_LEAD = timedelta(hours=24)
PRO_LATE_CANCEL_LIMIT = 3
PRO_LATE_CANCEL_WINDOW = timedelta(days=30)
PRO_LATE_CANCEL_BLOCK = timedelta(hours=48)
PRO_CANCEL_REDISPATCH_MIN_LEAD = BOOKING_MIN_LEAD
_leads = [lead for lead, _percent, _cap in CANCELLATION_FEES]
if (
    _leads[-1] is not None
    or None in _leads[:-1]
    or _leads[:-1] != sorted(_leads[:-1], reverse=True)
):
    raise ImproperlyConfigured(
        "CANCELLATION_FEES: leads must decrease and only the last one may be None."
    )
# Every 60 s: the 5-day rule (billing cancelled), sessions that close by themselves at their
# end, reminders to declare. Deadlines are indexed columns; a missed run delays by one run.
# Hourly: forget the Idempotency-Keys past IDEMPOTENCY_KEY_TTL (in batches; core/tasks.py).
CELERY_BEAT_SCHEDULE["idempotency-purge"] = {
    "task": "core.tasks.purge_idempotency_keys",
    "schedule": timedelta(hours=1),
    "options": {"expires": 30 * 60},
}

CELERY_BEAT_SCHEDULE["checkin-sweep"] = {
    "task": "checkin.tasks.checkin_sweep",
    "schedule": timedelta(seconds=60),
    "options": {"expires": 55},
}

# Every 5 min: review invitations for sessions done since (one per booking, never twice) and
# the open work a lost blacklist signal left (feedback/tasks.py).
CELERY_BEAT_SCHEDULE["feedback-sweep"] = {
    "task": "feedback.tasks.feedback_sweep",
    "schedule": timedelta(minutes=5),
    "options": {"expires": 4 * 60},
}

# --- Personal data: retention (privacy/retention.py; the README says why each period) -------
# Identity documents: deleted this many days after support's review (CNIL: an ID copy is kept
# only for the verification); the review itself (status, date, reviewer) stays.
ID_DOCUMENT_RETENTION_DAYS = env.int("ID_DOCUMENT_RETENTION_DAYS", default=7)
# Booking messages: this long after the session's end (a card payment can be contested up to
# 13 months after the debit); messages named by a report stay with it.
MESSAGE_RETENTION_DAYS = env.int("MESSAGE_RETENTION_DAYS", default=395)
# The original of a masked message (support's copy): this long after it was sent.
MASKED_ORIGINAL_RETENTION_DAYS = env.int("MASKED_ORIGINAL_RETENTION_DAYS", default=30)
# Messages of support conversations: this long after they were written.
SUPPORT_MESSAGE_RETENTION_DAYS = env.int("SUPPORT_MESSAGE_RETENTION_DAYS", default=3 * 365)
# Identity documents never reviewed (an abandoned application): this long after the upload;
# every pending document of a closed account goes at the next run.
PENDING_DOCUMENT_RETENTION_DAYS = env.int("PENDING_DOCUMENT_RETENTION_DAYS", default=90)
# A blacklisted customer's closed account: keyed hashes of its e-mail/phone kept this long so
# a new account with them is blacklisted again (privacy.blacklist_carry_over).
PRIVACY_BLACKLIST_CARRY_OVER_DAYS = env.int("PRIVACY_BLACKLIST_CARRY_OVER_DAYS", default=3 * 365)
# Key of those hashes (HMAC-SHA256, key derived with a salt). Empty: SECRET_KEY. Set it in
# production so rotating SECRET_KEY does not lose the carry-overs.
PRIVACY_HASH_KEY = env("PRIVACY_HASH_KEY", default="")
RETENTION_BATCH = env.int("RETENTION_BATCH", default=500)
if (
    min(
        ID_DOCUMENT_RETENTION_DAYS,
        PENDING_DOCUMENT_RETENTION_DAYS,
        PRIVACY_BLACKLIST_CARRY_OVER_DAYS,
        MESSAGE_RETENTION_DAYS,
        MASKED_ORIGINAL_RETENTION_DAYS,
        SUPPORT_MESSAGE_RETENTION_DAYS,
    )
    < 0
    or RETENTION_BATCH < 1
):
    raise ImproperlyConfigured("*_RETENTION_DAYS must be >= 0 and RETENTION_BATCH >= 1.")
# 04:15 Paris every day: apply every retention period (batches, audited; safe to run twice).
CELERY_BEAT_SCHEDULE["privacy-apply-retention"] = {
    "task": "privacy.tasks.apply_retention",
    "schedule": crontab(hour=4, minute=15),
    "options": {"expires": 6 * 60 * 60},
}

# --- Money: charges, earnings ledger, payouts (payouts/; the README lists them) --------------
# A declined charge (or one the bank wants the customer to confirm) is retried this many days
# after its first attempt; after the last, it has failed for good (support sees it).
CHARGE_RETRY_DAYS = (1, 3)
# A charge or payout claimed by a worker that died is given back after this long (the retry
# reuses the same idempotency key, so the provider never acts twice).
CHARGE_CLAIM_TIMEOUT = timedelta(minutes=15)
PAYOUT_CLAIM_TIMEOUT = timedelta(minutes=30)
# Payouts sent per claimed chunk (one statement claims, one writes the answers).
PAYOUT_SEND_CHUNK = env.int("PAYOUT_SEND_CHUNK", default=200)
# The monthly batch runs this many days before the last day of the month.
PAYOUT_MONTHLY_DAYS_BEFORE_END = env.int("PAYOUT_MONTHLY_DAYS_BEFORE_END", default=4)
if not 1 <= PAYOUT_MONTHLY_DAYS_BEFORE_END <= 20:
    raise ImproperlyConfigured("PAYOUT_MONTHLY_DAYS_BEFORE_END must be between 1 and 20.")
# Paid to the referrer when the referred cleaning pro completes their 5th session.
REFERRAL_BONUS_CENTS = 10_000
# 07:00 Paris: charge what became billable (sessions closed yesterday), retries included;
# earnings are recorded first. Safe to run twice.
CELERY_BEAT_SCHEDULE["payouts-charge-due"] = {
    "task": "payouts.tasks.charge_due",
    "schedule": crontab(hour=7, minute=0),
    "options": {"expires": 6 * 60 * 60},
}
# Wednesday 10:00 Paris: the weekly batch (sessions Tuesday..Monday of the week before).
CELERY_BEAT_SCHEDULE["payouts-weekly-batch"] = {
    "task": "payouts.tasks.payout_weekly_batch",
    "schedule": crontab(day_of_week="wed", hour=10, minute=0),
    "options": {"expires": 6 * 60 * 60},
}
# Every day 10:30 Paris: the monthly batch runs when today is its day (month end - 4 days).
CELERY_BEAT_SCHEDULE["payouts-monthly-batch"] = {
    "task": "payouts.tasks.payout_monthly_batch",
    "schedule": crontab(hour=10, minute=30),
    "options": {"expires": 6 * 60 * 60},
}
# Every 5 min: new IBANs to the provider, webhook events whose task was lost, charges and
# payouts whose worker died (resumed with the same idempotency keys).
CELERY_BEAT_SCHEDULE["payouts-sweep"] = {
    "task": "payouts.tasks.payouts_sweep",
    "schedule": timedelta(minutes=5),
    "options": {"expires": 4 * 60},
}

# --- The pro score (pros/scoring/; the README lists the rules) --------------------------------
# 0-100 over the last SCORE_WINDOW_DAYS, from four components weighted in percent (sum 100):
# responsiveness (proposals answered, and how fast for the time given; refusals never count),
# reliability (sessions honoured vs cancelled late), rating (a Bayesian average of the stars),
# loyalty (customers who book again or make the pro a favourite).
SCORE_WINDOW_DAYS = env.int("SCORE_WINDOW_DAYS", default=90)
SCORE_WEIGHTS = {
    "responsiveness": env.int("SCORE_WEIGHT_RESPONSIVENESS", default=35),
    "reliability": env.int("SCORE_WEIGHT_RELIABILITY", default=35),
    "rating": env.int("SCORE_WEIGHT_RATING", default=15),
    "loyalty": env.int("SCORE_WEIGHT_LOYALTY", default=15),
}
# A pro stays at the neutral PRO_DEFAULT_SCORE until this many weighing events in the window.
SCORE_MIN_EVENTS = env.int("SCORE_MIN_EVENTS", default=5)
# Responsiveness and reliability start from this many neutral (50) proposals / sessions, so
# the first few events move them gently.
SCORE_PRIOR_EVENTS = env.int("SCORE_PRIOR_EVENTS", default=3)
# An answer given at the very end of the answer time earns this share (%) of an instant one
# (linear in between); a proposal left to expire earns 0.
SCORE_LAST_MOMENT_ANSWER_CREDIT = env.int("SCORE_LAST_MOMENT_ANSWER_CREDIT", default=50)
# A late cancellation counts as this many sessions not honoured.
SCORE_LATE_CANCEL_WEIGHT = env.int("SCORE_LATE_CANCEL_WEIGHT", default=2)
# Rating: every pro starts with this many reviews of this many stars (the usual average),
# which is the middle (50) of the component; 5 stars is 100, 1 star 0.
SCORE_RATING_PRIOR_STARS = env.float("SCORE_RATING_PRIOR_STARS", default=4.5)
SCORE_RATING_PRIOR_REVIEWS = env.int("SCORE_RATING_PRIOR_REVIEWS", default=5)
# Loyalty: 50 + 50 * n / (n + this), n = rebookings + favourites in the window: it only adds
# (75 at this n). Every component is 50, neutral, with no event of its kind.
SCORE_LOYALTY_HALF = env.int("SCORE_LOYALTY_HALF", default=4)
if sum(SCORE_WEIGHTS.values()) != 100:
    raise ImproperlyConfigured("SCORE_WEIGHT_*: the four weights must add up to 100.")
if min(SCORE_WEIGHTS.values()) < 0:
    raise ImproperlyConfigured("SCORE_WEIGHT_*: weights cannot be negative.")
if not 1 < SCORE_RATING_PRIOR_STARS < 5:
    raise ImproperlyConfigured("SCORE_RATING_PRIOR_STARS must be strictly between 1 and 5.")
if SCORE_WINDOW_DAYS < 1 or SCORE_LOYALTY_HALF < 1 or SCORE_PRIOR_EVENTS < 0:
    raise ImproperlyConfigured(
        "SCORE_WINDOW_DAYS and SCORE_LOYALTY_HALF must be >= 1, SCORE_PRIOR_EVENTS >= 0."
    )
if not 0 <= SCORE_LAST_MOMENT_ANSWER_CREDIT <= 100:
    raise ImproperlyConfigured("SCORE_LAST_MOMENT_ANSWER_CREDIT is a percentage (0-100).")
# 03:30 Paris every night: every pro's score again (events leave the 90-day window by time
# alone), in chunks, under an advisory lock (a second run waits for nothing and skips).
CELERY_BEAT_SCHEDULE["pros-recompute-scores"] = {
    "task": "pros.tasks.recompute_scores",
    "schedule": crontab(hour=3, minute=30),
    "options": {"expires": 3 * 60 * 60},
}

# --- Personal data: a copy of my data (privacy.export) -----------------------------------------
# The e-mailed link works this long after the file is ready (then 410, and the file is deleted).
PRIVACY_EXPORT_LINK_HOURS = env.int("PRIVACY_EXPORT_LINK_HOURS", default=72)
# A new copy at most this often per account (building one reads everything the person has).
PRIVACY_EXPORT_MIN_INTERVAL_HOURS = env.int("PRIVACY_EXPORT_MIN_INTERVAL_HOURS", default=24)
if PRIVACY_EXPORT_LINK_HOURS < 1 or PRIVACY_EXPORT_MIN_INTERVAL_HOURS < 0:
    raise ImproperlyConfigured(
        "PRIVACY_EXPORT_LINK_HOURS must be >= 1 and PRIVACY_EXPORT_MIN_INTERVAL_HOURS >= 0."
    )
# Every hour: expired export files are deleted (the rows stay as the record of the request).
CELERY_BEAT_SCHEDULE["privacy-purge-expired-exports"] = {
    "task": "privacy.tasks.purge_expired_data_exports",
    "schedule": crontab(minute=17),
    "options": {"expires": 30 * 60},
}
