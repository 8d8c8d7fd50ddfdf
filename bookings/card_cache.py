"""The poll's open proposal cards, rendered once per worker process (bookings/views.py)."""

import threading
from collections import OrderedDict

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# An open card's HTML, rendered once per worker process for what it shows (the countdown and
# the CSRF token are placeholders, put in per response): the poll re-sends the same cards
# every few seconds and rendering them was most of its cost. Keyed by every value the open
# card shows, so a change to any of them renders it anew; bounded (oldest out first).
_CARD_HTML: OrderedDict = OrderedDict()
_CARD_HTML_MAX = 2000
_CARD_HTML_LOCK = threading.Lock()
_TIME_LEFT_MARK = "\ue000time-left\ue000"
_CSRF_MARK = "\ue000csrf\ue000"


def _open_card_key(card) -> tuple:
    proposal, req = card["proposal"], card["req"]
    return (
        get_language(),
        proposal.pk,
        proposal.is_bonus,
        proposal.expires_at,
        req.service.name,
        req.service.duration_minutes,
        req.pro_net_cents,
        req.start,
        req.end,
        req.notes,
        req.address.postal_code,
        req.address.city,
    )


def with_cached_html(http_request, cards) -> list[dict]:
    """Adds `html` to the cards that are open and plain (no error, no typed counter time)."""
    token = None
    for card in cards:
        if card["state"] != "open" or card["error"] or card["counter_input"] is None:
            continue
        key = _open_card_key(card)
        with _CARD_HTML_LOCK:
            html = _CARD_HTML.get(key)
        if html is None:
            html = get_template("bookings/partials/proposal_card.html").render(
                {**card, "time_left": _TIME_LEFT_MARK, "csrf_token": _CSRF_MARK}
            )
            with _CARD_HTML_LOCK:
                _CARD_HTML[key] = html
                while len(_CARD_HTML) > _CARD_HTML_MAX:
                    _CARD_HTML.popitem(last=False)
        token = token or get_token(http_request)
        card["html"] = mark_safe(  # noqa: S308 - rendered by the template engine, escaped there
            html.replace(_TIME_LEFT_MARK, card["time_left"]).replace(_CSRF_MARK, token)
        )
    return cards
