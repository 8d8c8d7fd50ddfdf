"""The request's timeline as support reads it in the admin (one table per request)."""

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from core.labels import moment_with_year
from pros.models import Pro

from .. import selectors
from ..events import EventKind, event_label

# Events whose `start` is worth showing (a new time, a pro's new session, the request's own).
_WITH_START = (EventKind.PROPOSAL_COUNTERED, EventKind.SESSION_PROPOSED, EventKind.REQUEST_CREATED)


def paris(moment) -> str:
    """A moment as support reads it: Paris time, in words ("27 nov. 2026 14:00")."""
    return moment_with_year(moment)


def pro_link(pro):
    if pro is None:
        return "-"
    url = reverse("admin:pros_pro_change", args=[pro.pk])
    return format_html('<a href="{}">{}</a>', url, pro.user.get_full_name() or pro.user.email)


def _event_details(event) -> str:
    data = event.data or {}
    parts = []
    if data.get("is_bonus"):
        parts.append(gettext("bonus"))
    if "rank" in data:
        parts.append(gettext("rank %(rank)s, score %(score)s") % data)
    if data.get("distance_m") is not None:
        parts.append(gettext("%(km).1f km") % {"km": data["distance_m"] / 1000})
    if data.get("expires_at"):
        parts.append(
            gettext("answer before %(when)s") % {"when": paris(parse_datetime(data["expires_at"]))}
        )
    if data.get("start") and event.kind in _WITH_START:
        parts.append(gettext("start %(when)s") % {"when": paris(parse_datetime(data["start"]))})
    if data.get("reason"):
        parts.append(gettext("reason: %(reason)s") % {"reason": data["reason"]})
    return ", ".join(parts)


def render_timeline(request_obj):
    """Every event of the request, oldest first: when, what, which pro, who, details."""
    events = list(selectors.timeline_for(request_obj))
    pro_ids = {event.data.get("pro") for event in events if event.data.get("pro")}
    pros = {pro.pk: pro for pro in Pro.objects.filter(pk__in=pro_ids).select_related("user")}
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                paris(event.created_at),
                event_label(event.kind),
                pro_link(pros.get(event.data.get("pro"))),
                event.actor.email if event.actor else gettext("system"),
                _event_details(event),
            )
            for event in events
        ),
    )
    return format_html(
        '<table class="timeline"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
        gettext("When (Paris)"),
        gettext("What"),
        gettext("Pro"),
        gettext("By"),
        gettext("Details"),
        rows,
    )
