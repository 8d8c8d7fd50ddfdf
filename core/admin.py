"""Support's admin: the shared bases every app's admin uses, and the core models' pages.

- `ServiceOnlyAdmin` / `ServiceOnlyInline`: support reads rows that only services write.
- `service_action(...)` / `reason_action(...)`: admin actions that call one service per
  selected row and report what was done and what was refused; the second first asks for a
  reason on one intermediate page (templates/admin/reason_step.html).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .errors import DomainError
from .models import AuditEvent, User

DONE_DEFAULT = ngettext_lazy("%(count)d item updated.", "%(count)d items updated.", "count")
INTRO_DEFAULT = _("These items will be changed:")


class ServiceOnlyAdmin(admin.ModelAdmin):
    """Rows that only services write (audited, locked): support looks, and changes them only
    through actions that call a service.

    Every model field is read-only, nothing is added or deleted here, and `save_model` writes
    nothing. A subclass may list `editable_fields` and override `save_model` to hand them to
    a service. Without actions or editable fields, the page is view-only."""

    editable_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        declared = list(super().get_readonly_fields(request, obj))
        model_fields = [
            field.name
            for field in self.model._meta.get_fields()
            if (field.concrete or field.many_to_many) and not field.auto_created
        ]
        return declared + [
            name for name in model_fields if name not in declared + list(self.editable_fields)
        ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if not (self.actions or self.editable_fields):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """No direct write: a subclass with `editable_fields` calls its service here."""

    def save_related(self, request, form, formsets, change):
        """No direct write of related rows either; commit=False only lets the admin describe
        the (empty) change in its history."""
        for formset in formsets:
            formset.save(commit=False)


class ServiceOnlyInline(admin.TabularInline):
    """Related rows shown on a ServiceOnlyAdmin page: listed, never added, edited or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [*self.get_fields(request, obj)]

    def has_add_permission(self, request, obj=None):
        return False


def run_per_row(modeladmin, request, queryset, apply, *, done_message=DONE_DEFAULT, label=str):
    """`apply(row)` for each row in primary-key order (the order locks are taken in); report
    how many were done, and each DomainError as "<label>: <message>"."""
    done = 0
    for row in queryset.order_by("pk"):
        try:
            apply(row)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{label(row)}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    return done


def service_action(*, description, apply, done_message=DONE_DEFAULT, label=str):
    """An admin action calling `apply(row, by)` (a service) on each selected row."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        run_per_row(
            modeladmin,
            request,
            queryset,
            lambda row: apply(row, request.user),
            done_message=done_message,
            label=label,
        )

    return action


def _chosen_action(request) -> str:
    """The action name, read the way ModelAdmin.response_action reads it."""
    try:
        index = int(request.POST.get("index", 0))
    except ValueError:
        index = 0
    names = request.POST.getlist("action")
    return names[index] if index < len(names) else (names[-1] if names else "")


def reason_action(
    *,
    description,
    title,
    apply,
    done_message=DONE_DEFAULT,
    intro=INTRO_DEFAULT,
    help_text="",
    required=True,
    missing_message=None,
    max_length=500,
    describe=str,
    label=str,
):
    """An admin action that first asks for a reason, then calls `apply(row, by, reason)` (a
    service) on each selected row, reporting like `service_action`.

    The intermediate page (templates/admin/reason_step.html) lists the rows (`describe(row)`)
    under `intro` and asks for the reason (`required`, at most `max_length` characters).
    Submitting it without a required reason shows the page again, with `missing_message` in
    the message area when given; nothing is written."""

    class ReasonForm(forms.Form):
        reason = forms.CharField(
            label=_("Reason"),
            max_length=max_length,
            required=required,
            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
            help_text=help_text,
        )

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        submitted = "apply" in request.POST
        form = ReasonForm(request.POST if submitted else None)
        if submitted and form.is_valid():
            reason = form.cleaned_data["reason"].strip()
            run_per_row(
                modeladmin,
                request,
                queryset,
                lambda row: apply(row, request.user, reason),
                done_message=done_message,
                label=label,
            )
            return None
        if submitted and missing_message:
            modeladmin.message_user(request, missing_message, messages.ERROR)
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": modeladmin.model._meta,
            "rows": [(row.pk, describe(row)) for row in queryset.order_by("pk")],
            "form": form,
            "action": _chosen_action(request),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/reason_step.html", context)

    return action


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "phone",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    readonly_fields = ["date_joined", "last_login", "failed_login_count", "locked_until"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "phone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (
            _("Security"),
            {"fields": ["failed_login_count", "locked_until", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(ServiceOnlyAdmin):
    list_display = ["created_at", "action", "subject", "actor"]
    list_filter = ["action"]
    search_fields = ["subject", "action", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "action", "subject", "data"]
