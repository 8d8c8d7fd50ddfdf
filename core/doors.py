"""One defence for every door that takes a password or an e-mail address.

- Logins (API token, pro web, admin) go through django-axes: `AxesStandaloneBackend` refuses
  a locked username+IP combination before any password is checked, and failures expire after
  the cool-off. Keyed on the combination, so an attacker elsewhere cannot lock a victim out.
  The limits are settings.LOGIN_MAX_FAILURES and LOGIN_LOCKOUT_SECONDS, read on every attempt.
- Requests that must not be repeated at will (logins, password resets, registrations) are rate
  limited per client address, by DRF throttles on the API (`ScopedThrottle`) and by
  `WebDoorsMiddleware` for the web forms listed in settings.THROTTLED_WEB_FORMS.
- Throttles fail open: with the cache (Redis) down they log a warning and let the request
  through, while the lock-out (stored in the database) keeps guarding passwords.

The client address is DRF's (settings.NUM_PROXIES decides which X-Forwarded-For entry is
trusted), so throttles and lock-outs count the same client. Interface layer: imports DRF.
"""

import logging
from datetime import timedelta
from types import SimpleNamespace

from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from .api import error_body, is_api_request
from .audit import audit
from .services import AccountLocked

logger = logging.getLogger(__name__)

# What a cache outage raises through Django's Redis backend (connection refused, timeouts).
CACHE_ERRORS = (RedisError, OSError)


def client_ip(request) -> str:
    """The client's address as throttles see it (AXES_CLIENT_IP_CALLABLE)."""
    return BaseThrottle().get_ident(request) or ""


# --- django-axes hooks (named in settings.AXES_*) ---------------------------------------------


def login_username(request, credentials) -> str:
    """The e-mail a login attempt is for, normalised like login itself (case, spaces), so
    `Victim@x` and `victim@x` count as one. Axes passes either the credentials given to
    authenticate() (`username=`, as Django's login_failed signal carries them) or its own
    (keyed by the user model's USERNAME_FIELD); without them, the posted form."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        data = getattr(request, "POST", None) or {}
        value = data.get("email") or data.get("username") or ""
    return str(value).strip().lower()


def login_failure_limit(request, credentials) -> int:
    return settings.LOGIN_MAX_FAILURES


def login_cool_off(request=None) -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def login_locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a locked-out login attempt answers. The API's login and the
    pro login form already answer 429 with their own message (core.services.AccountLocked); any
    other door (the admin's login) gets the lock-out page."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return too_many_requests(request, str(AccountLocked.default_message))


def too_many_requests(request, message: str):
    if is_api_request(request):
        return JsonResponse(error_body("throttled", message), status=429)
    return render(request, "core/too_many_requests.html", {"message": message}, status=429)


def login_failures_clear(*, user, by) -> int:
    """Support lifts the lock-outs on this account's e-mail (from every address). Audited."""
    with transaction.atomic():
        count = reset(username=user.get_username().lower())
        audit(action="user.login_failures_cleared", subject=user, actor=by, data={"count": count})
    return count


# --- rate limits --------------------------------------------------------------------------------


class ScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (the view's `throttle_scope`, rates in DEFAULT_THROTTLE_RATES)
    that lets requests through when the cache is down: a Redis outage must not close doors
    that the lock-out still guards."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning(
                "throttle %s skipped: cache unavailable (%s)",
                getattr(view, "throttle_scope", "?"),
                exc.__class__.__name__,
            )
            return True


class WebDoorsMiddleware:
    """Rate-limit the POSTs of the web forms in settings.THROTTLED_WEB_FORMS
    ({"namespace:url_name": "throttle scope"}) with the API's rates and counters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        scope = settings.THROTTLED_WEB_FORMS.get(request.resolver_match.view_name)
        if scope is None:
            return None
        throttle = ScopedThrottle()
        if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
            return None
        response = too_many_requests(
            request, gettext("Too many attempts from your connection: try again later.")
        )
        wait = throttle.wait()
        if wait is not None:
            response["Retry-After"] = str(int(wait) + 1)
        return response
