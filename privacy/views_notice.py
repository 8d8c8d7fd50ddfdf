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
    periods = retention_periods()
    carry_over_days = periods["blacklist_carry_overs"]
    return render(
        request,
        "privacy/notice.html",
        {
            "periods": periods,
            # "1095 days (3 years)": the years only when they are whole.
            "blacklist_carry_over_years": carry_over_days // 365
            if carry_over_days and carry_over_days % 365 == 0
            else None,
            "export_link_hours": settings.PRIVACY_EXPORT_LINK_HOURS,
            "api_token_ttl_days": settings.REST_KNOX["TOKEN_TTL"].days,
            "login_lockout_minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        },
    )
