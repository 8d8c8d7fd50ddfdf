"""Support's tools for customers. The blacklist changes only through customers.services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import ServiceOnlyAdmin, ServiceOnlyInline, reason_action

from . import services
from .models import Address, Customer, PaymentMethod


class AddressInline(ServiceOnlyInline):
    model = Address
    fields = ["label", "street", "postal_code", "city", "created_at", "deleted_at"]
    show_change_link = True


class PaymentMethodInline(ServiceOnlyInline):
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


@admin.register(Customer)
class CustomerAdmin(ServiceOnlyAdmin):
    list_display = ["email", "full_name", "phone", "is_blacklisted", "created_at"]
    list_filter = ["is_blacklisted", "created_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "user__phone"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    raw_id_fields = ["user"]
    fields = [
        "user",
        "is_blacklisted",
        "blacklisted_at",
        "blacklist_reason",
        "gateway_customer_id",
        "created_at",
    ]
    # Support may give an existing account a customer profile (through the service); the
    # account is then fixed, and the blacklist changes only through the actions, audited.
    editable_fields = ("user",)
    inlines = [AddressInline, PaymentMethodInline]
    actions = ["blacklist", "unblacklist"]

    def has_add_permission(self, request, obj=None):
        return admin.ModelAdmin.has_add_permission(self, request)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "user"] if obj else fields

    def save_model(self, request, obj, form, change):
        if not change:
            customer = services.customer_create_for_user(user=form.cleaned_data["user"])
            obj.pk = customer.pk  # the admin's redirect and history point at the real row

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("name"), ordering="user__last_name")
    def full_name(self, obj):
        return f"{obj.user.first_name} {obj.user.last_name}".strip()

    @admin.display(description=_("phone"))
    def phone(self, obj):
        return obj.user.phone

    blacklist = reason_action(
        description=_("Blacklist the selected customers (give a reason)"),
        title=_("Blacklist customers"),
        missing_message=_("Give the reason for the blacklisting."),
        apply=lambda customer, by, reason: services.customer_blacklist(
            customer=customer, by=by, reason=reason
        ),
        done_message=ngettext_lazy(
            "%(count)d customer blacklisted.", "%(count)d customers blacklisted.", "count"
        ),
    )
    unblacklist = reason_action(
        description=_("Lift the blacklisting of the selected customers"),
        title=_("Lift the blacklisting"),
        required=False,
        apply=lambda customer, by, reason: services.customer_unblacklist(
            customer=customer, by=by, reason=reason
        ),
        done_message=ngettext_lazy(
            "%(count)d customer can book again.", "%(count)d customers can book again.", "count"
        ),
    )


@admin.register(Address)
class AddressAdmin(ServiceOnlyAdmin):
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
class PaymentMethodAdmin(ServiceOnlyAdmin):
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
