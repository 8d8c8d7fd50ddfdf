"""Support's admin: the shared bases every app's admin uses, and the core models' pages.

- `ServiceOnlyAdmin` / `ServiceOnlyInline`: support reads rows that only services write.
- `service_action(...)` / `reason_action(...)`: admin actions that call one service per
  selected row and report what was done and what was refused; the second first asks for a
  reason on one intermediate page (templates/admin/reason_step.html).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import services as accounts
from .audit import audit
from .errors import DomainError
from .models import AuditEvent, User

# The product's name on every admin page (header, browser tab, home page), in French first.
admin.site.site_header = _("Wecasa — support")
admin.site.site_title = _("Wecasa — support")
admin.site.index_title = _("Outils du support")

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Without editable fields the page has nothing to save: no save or delete buttons
        (the page's actions are on the list)."""
        if not self.editable_fields:
            extra_context = {
                **(extra_context or {}),
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
                "show_delete": False,
            }
        return super().change_view(request, object_id, form_url, extra_context)

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
    how many were done, and each DomainError as "<label>: <message>".

    `done_message` is a plural: `ngettext_lazy(singular, plural, "count")` (never one string
    with "(s)"); `done_message % {"count": done}` picks the form for the count."""
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
    """An admin action calling `apply(row, by)` (a service) on each selected row;
    `done_message` as in `run_per_row` (an `ngettext_lazy(..., "count")` plural)."""

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
    service) on each selected row, reporting like `service_action` (`done_message` is an
    `ngettext_lazy(singular, plural, "count")` plural, see `run_per_row`).

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


class SupportUserChangeForm(UserChangeForm):
    """Support's form: no password field at all (not even the read-only hash and its link)."""

    password = None


def _user_label(user) -> str:
    return user.email


def _clear_login_failures(user, by) -> None:
    from .doors import login_failures_clear  # the login defence's interface module

    login_failures_clear(user=user, by=by)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. Support (non-superusers) sees every account and may change names and phone,
    deactivate or reactivate, send a reset link and clear login lock-outs; only superusers set
    e-mails, passwords and privileges, and only they change staff accounts. Every change made
    here is also an AuditEvent (log_* below), besides Django's own admin log."""

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
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Security"), {"fields": ["last_login", "date_joined"]}),
    ]
    support_fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (_("Status"), {"fields": ["is_active", "is_staff"]}),
        (_("Security"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["deactivate", "reactivate", "send_password_reset", "clear_login_failures"]
    deactivate = service_action(
        description=_("Deactivate the selected accounts"),
        apply=lambda user, by: accounts.user_deactivate(user=user, by=by),
        done_message=ngettext_lazy(
            "%(count)d account deactivated.", "%(count)d accounts deactivated.", "count"
        ),
        label=_user_label,
    )
    reactivate = service_action(
        description=_("Reactivate the selected accounts"),
        apply=lambda user, by: accounts.user_reactivate(user=user, by=by),
        done_message=ngettext_lazy(
            "%(count)d account reactivated.", "%(count)d accounts reactivated.", "count"
        ),
        label=_user_label,
    )
    send_password_reset = service_action(
        description=_("E-mail a password-reset link to the selected accounts"),
        apply=lambda user, by: accounts.user_password_reset_send(user=user, by=by),
        done_message=ngettext_lazy(
            "%(count)d reset link sent.", "%(count)d reset links sent.", "count"
        ),
        label=_user_label,
    )
    clear_login_failures = service_action(
        description=_("Clear the login lock-outs of the selected accounts"),
        apply=_clear_login_failures,
        label=_user_label,
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.support_fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = SupportUserChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Deactivation goes through the action (audited, checked); e-mail is the login.
            readonly += ["email", "is_active", "is_staff"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False  # staff accounts: superusers only (support may still view them)
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    # Every change through these pages, the password form included, is audited.
    def log_addition(self, request, obj, message):
        audit(action="user.created_in_admin", subject=obj, actor=request.user)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit(
            action="user.changed_in_admin",
            subject=obj,
            actor=request.user,
            data={"change": _plain(message), "privileges": _privileges(obj)},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for user in queryset:
            audit(action="user.deleted_in_admin", subject=user, actor=request.user)
        return super().log_deletions(request, queryset)


def _plain(message):
    """The admin's change message (a list of dicts, possibly lazy labels) as plain JSON."""
    return json.loads(json.dumps(message, cls=DjangoJSONEncoder))


def _privileges(user) -> dict:
    """What a change may have granted, as it stands after the change."""
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


@admin.register(AuditEvent)
class AuditEventAdmin(ServiceOnlyAdmin):
    list_display = ["created_at", "action", "subject", "actor"]
    list_filter = ["action"]
    search_fields = ["subject", "action", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "action", "subject", "data"]
