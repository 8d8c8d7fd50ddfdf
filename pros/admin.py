"""Support's tools for pros and their documents. Every change goes through pros.services."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceOnlyAdmin, ServiceOnlyInline, reason_action, service_action
from core.errors import DomainError

from . import rules, selectors, services
from .models import Document, Pro, ReferralInvite, TimeOff, WorkingHours
from .scoring import score_explained as explain_score
from .scoring.chart import score_chart
from .services.bank import mask_iban


def _document_link(document):
    if document.file_deleted_at is not None:  # privacy/retention.py
        return _("Fichier supprimé le %(date)s") % {
            "date": date_format(localtime(document.file_deleted_at), "SHORT_DATE_FORMAT")
        }
    url = reverse("pros:document_file", args=[document.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("View file"))


class DocumentInline(ServiceOnlyInline):
    model = Document
    fields = ["kind", "status", "original_name", "uploaded_at", "rejection_reason", "file_link"]
    show_change_link = True

    @admin.display(description=_("File"))
    def file_link(self, obj):
        return _document_link(obj) if obj.pk else ""


class WorkingHoursInline(ServiceOnlyInline):
    model = WorkingHours
    fields = ["weekday", "start_time", "end_time"]


class TimeOffInline(ServiceOnlyInline):
    model = TimeOff
    fields = ["start_date", "end_date", "reason"]


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


class ProAdminForm(forms.ModelForm):
    """Support may fix a pro's bio and photo; the photo gets the same checks as the pro's own
    upload (pros.rules), shown on the form."""

    class Meta:
        model = Pro
        fields = ["photo", "bio"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            try:
                rules.check_photo(photo)
            except DomainError as error:
                raise forms.ValidationError(str(error.message)) from error
        return photo


@admin.register(Pro)
class ProAdmin(ServiceOnlyAdmin):
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
    actions = ["activate", "suspend", "reactivate", "lift_proposal_block"]
    # Everything else changes only through pros.services (the pro's pages or the actions),
    # which audit it and refresh the dispatch index; bio and photo go through
    # pros.services.pro_update_profile (save_model).
    form = ProAdminForm
    editable_fields = ("photo", "bio")
    readonly_fields = [
        "services_list",
        "zone_summary",
        "missing",
        "suspended_since",
        "score_explained",
        "masked_iban",
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
                    "suspended_since",
                    "suspension_reason",
                ]
            },
        ),
        (_("Profile"), {"fields": ["photo", "bio", "services_list"]}),
        (
            _("Zone and availability"),
            {"fields": ["zone_summary", "is_paused", "proposals_blocked_until"]},
        ),
        (_("Activity"), {"fields": ["score", "score_explained", "completed_sessions_count"]}),
        (
            _("Payouts"),
            {
                "fields": [
                    "masked_iban",
                    "bic",
                    "account_holder",
                    "payout_frequency",
                    "gateway_account_id",
                ]
            },
        ),
        (
            _("Sign-up"),
            {"fields": ["slug", "referral_code", "referred_by", "terms_accepted_at", "created_at"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not {"photo", "bio"} & set(form.changed_data):
            return
        photo = form.cleaned_data.get("photo")
        services.pro_update_profile(
            pro=obj,
            bio=form.cleaned_data.get("bio", ""),
            photo=photo if isinstance(photo, UploadedFile) else None,
            remove_photo=photo is False,  # the "clear" box of the file input
            actor=request.user,
        )

    @admin.display(description=_("name"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("IBAN"))
    def masked_iban(self, obj):
        """Support sees the IBAN masked, as the pro's bank page shows it (never in full)."""
        return mask_iban(obj.iban) or "-"

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("verified"), boolean=True, ordering="id_verified_at")
    def verified(self, obj):
        return obj.is_id_verified

    @admin.display(description=_("suspended since"))
    def suspended_since(self, obj):
        return selectors.suspended_since(obj) or "-"

    @admin.display(description=_("score explained"))
    def score_explained(self, obj):
        """What the pro's My score page shows: each part, what it counted, 12 weeks."""
        if obj.pk is None:
            return "-"
        explained = explain_score(obj)
        chart = score_chart(explained.history, neutral=explained.neutral_score)
        return render_to_string("pros/admin/score.html", {"explained": explained, "chart": chart})

    @admin.display(description=_("services"))
    def services_list(self, obj):
        return ", ".join(service.name for service in obj.services.all()) or "-"

    @admin.display(description=_("zone"))
    def zone_summary(self, obj):
        zone = selectors.zone_summary(obj)
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
        items = [
            str(item.label)
            for item in selectors.missing_for_proposals(obj) + selectors.missing_for_payment(obj)
        ]
        return "; ".join(items) or _("Nothing")

    activate = service_action(
        description=_("Activate the selected pros (complete profiles only)"),
        apply=lambda pro, by: services.pro_activate(pro=pro, by=by),
    )
    suspend = reason_action(
        description=_("Suspend the selected pros (give a reason)"),
        title=_("Suspend pros"),
        help_text=_("The pro sees this reason."),
        apply=lambda pro, by, reason: services.pro_suspend(pro=pro, by=by, reason=reason),
    )
    reactivate = service_action(
        description=_("Reactivate the selected suspended pros"),
        apply=lambda pro, by: services.pro_reactivate(pro=pro, by=by),
    )
    lift_proposal_block = service_action(
        description=_("Lift the late-cancellation block (proposals again now)"),
        apply=lambda pro, by: services.pro_unblock_new_proposals(pro=pro, by=by),
    )


@admin.register(Document)
class DocumentAdmin(ServiceOnlyAdmin):
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
    readonly_fields = ["file_link"]

    @admin.display(description=_("size (kB)"), ordering="size_bytes")
    def size_kb(self, obj):
        return round(obj.size_bytes / 1024)

    @admin.display(description=_("File"))
    def file_link(self, obj):
        return _document_link(obj)

    verify = service_action(
        description=_("Verify the selected documents"),
        apply=lambda document, by: services.document_verify(document=document, by=by),
    )
    reject = reason_action(
        description=_("Reject the selected documents (give a reason)"),
        title=_("Reject documents"),
        help_text=_("The pro sees this reason."),
        apply=lambda document, by, reason: services.document_reject(
            document=document, by=by, reason=reason
        ),
    )


@admin.register(ReferralInvite)
class ReferralInviteAdmin(ServiceOnlyAdmin):
    list_display = ["email", "name", "pro", "created_at"]
    search_fields = ["email", "name", "pro__user__email"]
    list_select_related = ["pro__user"]
