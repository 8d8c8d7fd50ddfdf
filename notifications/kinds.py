"""What each kind of notification says: a registry of renderers, filled by the apps that send them.

A notification is stored as its kind and its parameters (plain JSON: ids, ISO datetimes, cents,
names per language) and rendered each time it is shown (bell list, API, push, e-mail) in the
reader's language of that moment, so a pro who switches language reads old notifications in
the new one.

The producing apps own their wording: each defines its renderers in its own
`notifications.py` module with `@kinds.renderer("proposal_new")` (a function taking the
parameters and returning `(title, body)`, run under the reader's language), and this app
imports those modules when it starts (`NotificationsConfig.ready` -> `autodiscover`), so this
lowest layer never names an app above it.

Rows written before this existed keep the text they were recorded with under
`params["legacy"]` (migration 0005): shown as is, in the language they were written in.

The bell's rule (`unread_rules`): a notification counts as unread while it is not read, not past
its `expires_at`, and, for the kinds an app gives a rule (the proposals of bookings), while
that rule says it still needs the reader (the proposal can still be answered).
"""

import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import datefmt

logger = logging.getLogger(__name__)


class Rendered(NamedTuple):
    title: str
    body: str


Renderer = Callable[[dict], tuple[str, str]]
_renderers: dict[str, Renderer] = {}
# kind -> function(user, now) giving the Q of that kind's rows that still count as unread.
_unread_rules: dict[str, Callable] = {}


def renderer(kind: str):
    """Decorator: `fn(params) -> (title, body)` renders notifications of `kind`."""

    def register(fn: Renderer) -> Renderer:
        if kind in _renderers and _renderers[kind] is not fn:
            raise ValueError(f"notification kind {kind!r} has two renderers")
        _renderers[kind] = fn
        return fn

    return register


def unread_rule(*kinds: str):
    """Decorator: `fn(user, now) -> Q` says which unread rows of these kinds still count in
    the bell (the others are moot: nothing left to do about them)."""

    def register(fn):
        for kind in kinds:
            _unread_rules[kind] = fn
        return fn

    return register


def is_registered(kind: str) -> bool:
    return kind in _renderers


def unread_rules() -> dict[str, Callable]:
    return dict(_unread_rules)


def autodiscover() -> None:
    """Import every installed app's `notifications` module (where its renderers live)."""
    autodiscover_modules("notifications")


def check_params(params: dict) -> dict:
    """Parameters must survive JSON unchanged (no datetimes, Decimals, lazy strings, models)."""
    try:
        if json.loads(json.dumps(params)) != params:
            raise TypeError("not plain JSON")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"notification parameters must be plain JSON: {params!r}") from exc
    return params


def render(kind: str, params: dict) -> Rendered:
    """The title and body of a notification in the active language."""
    params = params or {}
    legacy = params.get("legacy")
    if isinstance(legacy, dict):
        return Rendered(str(legacy.get("title", "")), str(legacy.get("body", "")))
    fn = _renderers.get(kind)
    if fn is not None:
        try:
            title, body = fn(params)
            return Rendered(str(title), str(body or ""))
        except Exception:  # a bad row must not break the list page or the e-mail batch
            logger.exception("could not render notification kind %s", kind)
    return Rendered(_("Notification"), "")


# --- helpers for renderers and producers ------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    """A datetime as a parameter (ISO 8601, with its offset)."""
    return moment.isoformat() if moment is not None else None


def moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def when(value: str | None) -> str:
    """ "mar. 1er déc. 14:00" in Paris time, in the active language."""
    return datefmt.short_when(moment(value))


def hour(value: str | None) -> str:
    return datefmt.clock_time(moment(value))


def day(value: str | None) -> str:
    """A date parameter (ISO "2026-12-01") as "1er déc. 2026"."""
    return datefmt.short_date(date.fromisoformat(value)) if value else ""


def names(obj, field: str = "name") -> dict:
    """A translated name as a parameter: {"fr": ..., "en": ...} from `name_fr`, `name_en`."""
    return {
        code: str(getattr(obj, f"{field}_{code}", "") or getattr(obj, field, ""))
        for code, _label in settings.LANGUAGES
    }


def localized(value) -> str:
    """The active language's entry of a `names()` parameter (French if missing)."""
    if not isinstance(value, dict):
        return str(value or "")
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return str(value.get(language) or value.get(settings.LANGUAGE_CODE) or "")


def none_counts() -> Q:
    """An unread rule for kinds that never count in the bell."""
    return Q(pk__in=[])
