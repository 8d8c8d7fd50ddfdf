from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError

from . import services
from .models import Address, Customer, PaymentMethod


class CustomerActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AddressInline(admin.TabularInline):
    model = Address
    fields = ["label", "street", "postal_code", "city", "created_at", "deleted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class PaymentMethodInline(admin.TabularInline):
    model = PaymentMethod
    fields = [
        "gateway",
        "brand",
        "last4",
        "exp_month",
        "exp_year",
        "is_default",
        "created_at",
        "detached_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "phone", "is_blacklisted", "created_at"]
    list_filter = ["is_blacklisted", "created_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "user__phone"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    raw_id_fields = ["user"]
    # The blacklist changes only through the actions (customers.services), which audit it.
    readonly_fields = [
        "is_blacklisted",
        "blacklisted_at",
        "blacklist_reason",
        "gateway_customer_id",
        "created_at",
    ]
    fields = ["user", *readonly_fields]
    inlines = [AddressInline, PaymentMethodInline]
    action_form = CustomerActionForm
    actions = ["blacklist", "unblacklist"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("name"), ordering="user__last_name")
    def full_name(self, obj):
        return f"{obj.user.first_name} {obj.user.last_name}".strip()

    @admin.display(description=_("phone"))
    def phone(self, obj):
        return obj.user.phone

    @admin.action(
        description=_("Blacklist the selected customers (give a reason)"), permissions=["change"]
    )
    def blacklist(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, _("Give the reason for the blacklisting."), messages.ERROR)
            return
        done = 0
        for customer in queryset.order_by("pk"):
            try:
                services.customer_blacklist(customer=customer, by=request.user, reason=reason)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{customer}: {exc.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d customer blacklisted.", "%(count)d customers blacklisted.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Lift the blacklisting of the selected customers"), permissions=["change"]
    )
    def unblacklist(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        done = 0
        for customer in queryset.order_by("pk"):
            services.customer_unblacklist(customer=customer, by=request.user, reason=reason)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d customer can book again.", "%(count)d customers can book again.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (h3 cell, gateway references): support looks, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Address)
class AddressAdmin(ReadOnlyAdmin):
    list_display = [
        "street",
        "postal_code",
        "city",
        "customer",
        "label",
        "created_at",
        "deleted_at",
    ]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter), "city"]
    search_fields = ["street", "postal_code", "city", "customer__user__email"]
    list_select_related = ["customer__user"]
    date_hierarchy = "created_at"


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyAdmin):
    list_display = [
        "customer",
        "brand",
        "last4",
        "exp_month",
        "exp_year",
        "gateway",
        "is_default",
        "created_at",
        "detached_at",
    ]
    list_filter = ["gateway", "brand", "is_default", ("detached_at", admin.EmptyFieldListFilter)]
    search_fields = ["customer__user__email", "last4", "gateway_payment_method_id"]
    list_select_related = ["customer__user"]
