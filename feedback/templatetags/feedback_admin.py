"""{% pro_conduct pro %}: what support reads on a pro's admin page about their conduct
(feedback/templates/admin/pros/pro/change_form.html includes it)."""

from django import template

from feedback import selectors
from feedback.models import Report

register = template.Library()


@register.inclusion_tag("feedback/admin/pro_conduct.html")
def pro_conduct(pro):
    reports = Report.objects.filter(reported_pro=pro)
    return {
        "pro": pro,
        "flags": selectors.contact_flags_by_pro(pro),
        "reports_open": reports.filter(status=Report.Status.OPEN).count(),
        "reports_total": reports.count(),
        "rating": selectors.rating_summary(pro),
    }
