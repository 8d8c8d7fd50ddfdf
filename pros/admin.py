"""Support's tools for pros and their documents. Every change goes through pros.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError

from . import services
from .models import Document, Pro, ReferralInvite, TimeOff, WorkingHours


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The pro sees this reason."),
    )


def _reason_step(modeladmin, request, queryset, *, title, action, apply):
    """An intermediate page asking for a reason, then `apply(obj, reason)` on each object."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
                done += 1
            except DomainError as error:
                modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(count)d item updated.", "%(count)d items updated.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "objects": queryset,
        "form": form,
        "action": action,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "pros/admin/reason_step.html", context)


def _document_link(document):
    url = reverse("pros:document_file", args=[document.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("View file"))


def _run(modeladmin, request, queryset, apply):
    done = 0
    for obj in queryset:
        try:
            apply(obj)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d item updated.", "%(count)d items updated.", done) % {"count": done},
            messages.SUCCESS,
        )


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["kind", "status", "original_name", "uploaded_at", "rejection_reason", "file_link"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("File"))
    def file_link(self, obj):
        return _document_link(obj) if obj.pk else ""

    def has_add_permission(self, request, obj=None):
        return False


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    fields = ["weekday", "start_time", "end_time"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    fields = ["start_date", "end_date", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VerifiedFilter(admin.SimpleListFilter):
    title = _("ID verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No")), ("pending", _("ID waiting for review"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(id_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(id_verified_at__isnull=True)
        if self.value() == "pending":
            return queryset.filter(
                id_verified_at__isnull=True,
                documents__kind=Document.Kind.ID,
                documents__status=Document.Status.PENDING,
            ).distinct()
        return queryset


@admin.register(Pro)
class ProAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "email",
        "status",
        "verified",
        "is_paused",
        "score",
        "completed_sessions_count",
        "radius_km",
        "created_at",
    ]
    list_filter = [
        "status",
        VerifiedFilter,
        "is_paused",
        "payout_frequency",
        "services__category",
        "created_at",
    ]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "user__phone",
        "slug",
        "referral_code",
        "base_address",
    ]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    inlines = [DocumentInline, WorkingHoursInline, TimeOffInline]
    actions = ["activate", "suspend", "reactivate"]
    # Status, verification, zone, hours and bank details change only through pros.services
    # (the pro's pages or the actions), which audit them and refresh the dispatch index.
    readonly_fields = [
        "user",
        "status",
        "id_verified_at",
        "suspended_at",
        "suspension_reason",
        "slug",
        "referral_code",
        "referred_by",
        "terms_accepted_at",
        "created_at",
        "services_list",
        "zone_summary",
        "is_paused",
        "score",
        "completed_sessions_count",
        "iban",
        "bic",
        "account_holder",
        "payout_frequency",
        "gateway_account_id",
        "missing",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "user",
                    "status",
                    "missing",
                    "id_verified_at",
                    "suspended_at",
                    "suspension_reason",
                ]
            },
        ),
        (_("Profile"), {"fields": ["photo", "bio", "services_list"]}),
        (_("Zone and availability"), {"fields": ["zone_summary", "is_paused"]}),
        (_("Activity"), {"fields": ["score", "completed_sessions_count"]}),
        (
            _("Payouts"),
            {"fields": ["iban", "bic", "account_holder", "payout_frequency", "gateway_account_id"]},
        ),
        (
            _("Sign-up"),
            {"fields": ["slug", "referral_code", "referred_by", "terms_accepted_at", "created_at"]},
        ),
    ]

    def has_add_permission(self, request):
        return False  # pros sign up themselves

    @admin.display(description=_("name"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("verified"), boolean=True, ordering="id_verified_at")
    def verified(self, obj):
        return obj.is_id_verified

    @admin.display(description=_("services"))
    def services_list(self, obj):
        return ", ".join(service.name for service in obj.services.all()) or "-"

    @admin.display(description=_("zone"))
    def zone_summary(self, obj):
        from .selectors import zone_summary

        zone = zone_summary(obj)
        if zone is None:
            return "-"
        return _(
            "Base: %(address)s (%(lat)s, %(lng)s), radius %(radius)s km, %(cells)s h3 zones"
        ) % {
            "address": zone["base_address"],
            "lat": zone["lat"],
            "lng": zone["lng"],
            "radius": zone["radius_km"],
            "cells": zone["cells"],
        }

    @admin.display(description=_("missing to receive proposals"))
    def missing(self, obj):
        from .selectors import missing_for_payment, missing_for_proposals

        items = [str(item.label) for item in missing_for_proposals(obj) + missing_for_payment(obj)]
        return "; ".join(items) or _("Nothing")

    @admin.action(
        description=_("Activate the selected pros (complete profiles only)"), permissions=["change"]
    )
    def activate(self, request, queryset):
        _run(self, request, queryset, lambda pro: services.pro_activate(pro=pro, by=request.user))

    @admin.action(
        description=_("Suspend the selected pros (give a reason)"), permissions=["change"]
    )
    def suspend(self, request, queryset):
        return _reason_step(
            self,
            request,
            queryset,
            title=_("Suspend pros"),
            action="suspend",
            apply=lambda pro, reason: services.pro_suspend(pro=pro, by=request.user, reason=reason),
        )

    @admin.action(description=_("Reactivate the selected suspended pros"), permissions=["change"])
    def reactivate(self, request, queryset):
        _run(self, request, queryset, lambda pro: services.pro_reactivate(pro=pro, by=request.user))


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "pro",
        "kind",
        "status",
        "original_name",
        "size_kb",
        "uploaded_at",
        "reviewed_at",
        "reviewed_by",
        "file_link",
    ]
    list_filter = ["status", "kind", "uploaded_at"]
    search_fields = [
        "pro__user__email",
        "pro__user__first_name",
        "pro__user__last_name",
        "original_name",
    ]
    list_select_related = ["pro__user", "reviewed_by"]
    date_hierarchy = "uploaded_at"
    actions = ["verify", "reject"]
    fields = [
        "pro",
        "kind",
        "status",
        "file_link",
        "original_name",
        "content_type",
        "size_bytes",
        "uploaded_at",
        "reviewed_at",
        "reviewed_by",
        "rejection_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # pros upload their documents themselves

    @admin.display(description=_("size (kB)"), ordering="size_bytes")
    def size_kb(self, obj):
        return round(obj.size_bytes / 1024)

    @admin.display(description=_("File"))
    def file_link(self, obj):
        return _document_link(obj)

    @admin.action(description=_("Verify the selected documents"), permissions=["change"])
    def verify(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda document: services.document_verify(document=document, by=request.user),
        )

    @admin.action(
        description=_("Reject the selected documents (give a reason)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        return _reason_step(
            self,
            request,
            queryset,
            title=_("Reject documents"),
            action="reject",
            apply=lambda document, reason: services.document_reject(
                document=document, by=request.user, reason=reason
            ),
        )


@admin.register(ReferralInvite)
class ReferralInviteAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "pro", "created_at"]
    search_fields = ["email", "name", "pro__user__email"]
    list_select_related = ["pro__user"]
    readonly_fields = ["pro", "email", "name", "created_at"]

    def has_add_permission(self, request):
        return False
