"""Check-in fragments the bookings pages include (bookings never imports checkin: the
templates ask for these tags by name).

{% load checkin_ui %}{% checkin_home %}            on the dashboard (needs request.pro)
{% load checkin_ui %}{% checkin_panel booking %}   on a booking's page
"""

from django import template

from checkin import ui

register = template.Library()


@register.inclusion_tag("checkin/partials/home.html", takes_context=True)
def checkin_home(context):
    request = context["request"]
    return {
        **ui.home_context(request.pro),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("checkin/partials/session_panel_slot.html", takes_context=True)
def checkin_panel(context, booking):
    return {
        **ui.session_panel_context(booking),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
