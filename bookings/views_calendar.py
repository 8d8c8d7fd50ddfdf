"""The pro's calendar feed: the secret .ics URL a calendar app subscribes to (no session: the
token is the key), and the settings page that shows it and makes a new one."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from notifications.calendar_feeds import (
    calendar_feed_for,
    calendar_feed_reset,
    user_for_calendar_token,
)
from pros.access import pro_required
from pros.selectors import pro_for

from .calendar_feed import pro_calendar


@require_GET
def calendar_feed(request, token):
    pro = pro_for(user_for_calendar_token(token))
    if pro is None:
        raise Http404
    response = HttpResponse(pro_calendar(pro), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wecasa-pro.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _feed_url(request, token) -> str:
    return request.build_absolute_uri(reverse("bookings:calendar_feed", args=[token]))


@pro_required
def calendar_settings(request):
    if request.method == "POST":
        calendar_feed_reset(user=request.user)
        messages.success(request, _("New calendar link made: the old one no longer works."))
        return redirect("bookings:calendar_settings")
    url = _feed_url(request, calendar_feed_for(user=request.user).token)
    return render(
        request,
        "bookings/calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]},
    )
