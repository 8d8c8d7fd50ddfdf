"""Support's "today" page in the admin (`admin/ops/today/`), linked from the admin index.

Ops has no model to register: the page is added to admin.site's URLs (inside `admin_view`, so
staff login, and the `ops.view_vital_signs` permission, which the Support role has)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from .today import today_page

PERMISSION = "ops.view_vital_signs"


def today_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Aujourd'hui : signes vitaux"),
        **today_page(),
    }
    return TemplateResponse(request, "admin/ops/today.html", context)


_site_urls = admin.site.get_urls


def _get_urls():
    return [
        path("ops/today/", admin.site.admin_view(today_view), name="ops_today"),
        *_site_urls(),
    ]


admin.site.get_urls = _get_urls
admin.site.index_template = "admin/ops/index.html"
