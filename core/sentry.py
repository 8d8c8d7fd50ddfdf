"""Error reporting through Sentry when SENTRY_DSN is set (settings call `init_sentry`); nothing
at all when it is unset.

Personal data never leaves: `send_default_pii=False` (no cookies, user, IP), no request bodies,
and `scrub_event` (before_send) walks the whole event (exception values, local variables,
breadcrumbs, extra, tags, request) and replaces, wherever they appear:
- the value of any key that names a secret or a personal field (token, password, iban,
  email, phone, address, ...);
- inside any text: e-mail addresses, phone numbers (French and international), IBANs, street
  addresses ("12 rue de la Paix"), `Token ...`/`Bearer ...` credentials and long hex/base64
  tokens.
Each event is tagged with the request id (core/logging.py) so it can be found in the logs.
"""

import re

FILTERED = "[Filtered]"

# Keys whose value is replaced whatever it is (compared lower-case, as substrings).
SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "api_key",
    "apikey",
    "private_key",
    "signature",
    "iban",
    "bic",
    "email",
    "e_mail",
    "phone",
    "mobile",
    "address",
    "street",
    "postcode",
    "postal_code",
    "zip",
    "first_name",
    "last_name",
    "full_name",
    "birth",
    "latitude",
    "longitude",
    "card",
    "original_body",
    "body",
    "comment",
    "notes",
    "details",
    "x-forwarded-for",
    "remote_addr",
)

_PATTERNS = [
    # credentials in headers or messages: "Token abc...", "Bearer abc..."
    (re.compile(r"\b(Token|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.I), r"\1 " + FILTERED),
    # e-mails, also written "name [at] host dot fr" to slip past a filter
    (
        re.compile(
            r"[\w.+-]+\s*(?:@|\[at\]|\(at\))\s*[\w-]+"
            r"(?:\s*(?:\.|\[dot\]|\(dot\)|\sdot\s)\s*[\w-]+)+",
            re.I,
        ),
        FILTERED,
    ),
    # IBAN: two letters, two digits, then 11-30 letters/digits, spaces allowed every 4.
    (re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b"), FILTERED),
    # Phones: +33 6 12 34 56 78, 0033..., 06 12 34 56 78, 06.12.34.56.78, +44 20 7946 0958.
    (re.compile(r"(?:\+|\b00)\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,5}\b"), FILTERED),
    (re.compile(r"\b0[1-9](?:[\s.-]?\d{2}){4}\b"), FILTERED),
    # Street addresses: a number, maybe bis/ter, then a street word and the rest of the line.
    (
        re.compile(
            r"\b\d{1,4}\s?(?:bis|ter)?,?\s+(?:rue|avenue|av\.?|boulevard|bd|place|pl\.?|impasse|"
            r"all[ée]e|chemin|quai|route|cours|square|passage|villa|cit[ée]|r[ée]sidence|"
            r"road|street|st\.?|lane)\b[^\n,;\"']*",
            re.I,
        ),
        FILTERED,
    ),
    # Long opaque tokens (hex, base64url): reset links, API tokens, calendar secrets.
    (re.compile(r"\b[A-Fa-f0-9]{32,}\b"), FILTERED),
    (re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{40,}\b"), FILTERED),
]

_MAX_DEPTH = 20


def scrub_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _sensitive_key(key) -> bool:
    lowered = str(key).lower()
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


# Structural keys of a Sentry event that are never personal (kept as they are, so the event
# still groups and displays).
_STRUCTURE = {
    "type",
    "module",
    "function",
    "filename",
    "abs_path",
    "lineno",
    "in_app",
    "platform",
    "event_id",
    "trace_id",
    "span_id",
    "parent_span_id",
    "release",
    "environment",
    "level",
    "logger",
    "timestamp",
    "start_timestamp",
    "sdk",
}


def _scrub(value, depth: int = 0):
    if depth > _MAX_DEPTH:
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub_item(key, item, depth) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item, depth + 1) for item in value]
    return value


def _scrub_item(key, item, depth: int):
    if key in _STRUCTURE:
        return item
    if _sensitive_key(key) and item not in (None, "", [], {}):
        return FILTERED
    return _scrub(item, depth + 1)


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """before_send / before_send_transaction: the event without personal data, tagged with the
    request id."""
    from .logging import current_request_id

    scrubbed = _scrub(event)
    request_id = current_request_id()
    if request_id:
        scrubbed.setdefault("tags", {})
        if isinstance(scrubbed["tags"], dict):
            scrubbed["tags"]["request_id"] = request_id
    return scrubbed


def init_sentry(
    *, dsn: str, environment: str, release: str = "", traces_sample_rate: float = 0.0
) -> bool:
    """Start the SDK with the Django, Celery and Redis integrations when `dsn` is set.
    Returns whether it did (never imports sentry_sdk otherwise)."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.redis import RedisIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, "iban", "email", "phone", "address", "token"],
            recursive=True,
        ),
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )
    return True
