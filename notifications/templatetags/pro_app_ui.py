"""The installable app's fragments other pages include (by tag name, so the apps above never
import notifications' views):

{% load pro_app_ui %}{% pro_app_card %}     the dashboard's "install the app and turn on
                                            notifications" card (hidden once both are done)
{% load pro_app_ui %}{% live_stream %}      the dashboard's live stream (server-sent events)
"""

from django import template

from notifications.views_push import push_panel_context

register = template.Library()


@register.inclusion_tag("notifications/partials/app_card.html", takes_context=True)
def pro_app_card(context):
    return push_panel_context(context.get("request"))


@register.inclusion_tag("notifications/partials/live_stream.html")
def live_stream():
    return {}
