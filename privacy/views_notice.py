"""The privacy notice (GDPR art. 13-14): one plain public page at /privacy for pros and
customers (the customer app links to it), French first then English. Its retention periods
come from the settings that privacy/retention.py applies, so the page cannot drift from them;
the processing register is docs/privacy/register.md."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .retention import retention_periods


@require_safe
def privacy_notice(request):
    return render(
        request,
        "privacy/notice.html",
        {
            "periods": retention_periods(),
            "export_link_hours": getattr(settings, "PRIVACY_EXPORT_LINK_HOURS", 72),
            "api_token_ttl_days": settings.REST_KNOX["TOKEN_TTL"].days,
            "login_lockout_minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        },
    )
