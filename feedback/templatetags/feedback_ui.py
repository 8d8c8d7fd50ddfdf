"""Feedback fragments the pages of lower apps include (bookings and pros never import
feedback: their templates include a feedback partial, which loads these tags).

{% feedback_booking_panel booking %}   the booking page: messages, report, contact support
{% feedback_unread_badge booking %}    an agenda row: unread customer messages
{% feedback_proposal_report proposal %} a proposal card: "Report this proposal"
{% feedback_settings_menu %}           the settings page: My reviews, Contact support
{% feedback_pro_rating pro %}          the public profile: average once there are 3 reviews
"""

from django import template

from feedback import selectors, ui

register = template.Library()


def _base(context) -> dict:
    return {"request": context.get("request"), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("feedback/partials/panel_slot.html", takes_context=True)
def feedback_booking_panel(context, booking):
    return {**ui.panel_context(booking), **_base(context), "initial": True}


@register.inclusion_tag("feedback/partials/unread_badge.html", takes_context=True)
def feedback_unread_badge(context, booking):
    request = context.get("request")
    count = ui.unread_for_request(request).get(booking.pk, 0) if request is not None else 0
    return {"count": count}


@register.inclusion_tag("feedback/partials/proposal_report_link.html")
def feedback_proposal_report(proposal):
    return {"proposal": proposal}


@register.inclusion_tag("feedback/partials/settings_menu.html", takes_context=True)
def feedback_settings_menu(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    pro = getattr(request, "pro", None)
    return {
        "unread_answers": selectors.unread_support_answers(user) if user else 0,
        "rating": ui.rating_context(pro) if pro is not None else None,
    }


@register.inclusion_tag("feedback/partials/pro_rating.html")
def feedback_pro_rating(pro):
    return ui.rating_context(pro)
