"""Settings, part 2: HTTPS, proxies, Content-Security-Policy, login lock-out and form throttles."""

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG, env

# --- HTTPS, proxies and browser security -----------------------------------------------------
# Production defaults when DJANGO_DEBUG=false; each one can be turned off from the environment
# (e.g. to try the docker-compose stack over plain http on localhost).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# The container healthcheck and Prometheus (inside the stack) call gunicorn over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# Sessions in PostgreSQL (Django's database engine, its read written once as SQL).
SESSION_ENGINE = "core.sessions"
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

# Login lock-out: after this many failures in the window, the account is locked for the window.
# Counted per e-mail AND client address, so an attacker elsewhere cannot lock the owner out.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# django-axes does the counting (core.doors); the backend refuses locked attempts first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the user's profiles joined to the session's user.
    "core.auth_backends.UserWithProfilesBackend",
]
# The users' one-to-one profiles loaded with the user by the session backend above and by the
# API's token authentication: every pro page, poll and pro API call reads `user.pro` next (one
# query less each). Customers' calls read their profile afresh (customers.selectors).
AUTH_USER_PROFILES = ("pro",)
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
