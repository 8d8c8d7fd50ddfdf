from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.money import format_eur

from .models import Category, Service


class ServiceInline(admin.TabularInline):
    model = Service
    fields = [
        "slug",
        "name_fr",
        "name_en",
        "duration_minutes",
        "base_price_cents",
        "is_active",
        "position",
    ]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name",
        "customer_fee_percent",
        "pro_commission_percent",
        "position",
        "service_count",
    ]
    list_editable = ["customer_fee_percent", "pro_commission_percent"]
    search_fields = ["slug", "name"]
    ordering = ["position", "id"]
    inlines = [ServiceInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_service_count=Count("services"))

    @admin.display(description=_("services"), ordering="_service_count")
    def service_count(self, obj):
        return obj._service_count


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name_fr",
        "category",
        "duration_minutes",
        "base_price",
        "customer_price",
        "pro_net",
        "is_active",
    ]
    list_filter = ["category", "is_active"]
    search_fields = ["slug", "name_fr", "name_en"]
    list_select_related = ["category"]
    prepopulated_fields = {"slug": ["name_fr"]}
    readonly_fields = ["customer_price", "pro_net"]
    fields = [
        "category",
        "slug",
        "name_fr",
        "name_en",
        "duration_minutes",
        "base_price_cents",
        "customer_price",
        "pro_net",
        "is_active",
        "position",
    ]

    @admin.display(description=_("base price"), ordering="base_price_cents")
    def base_price(self, obj):
        return format_eur(obj.base_price_cents)

    @admin.display(description=_("customer price"))
    def customer_price(self, obj):
        if obj.pk is None or obj.category_id is None:
            return "-"
        return format_eur(obj.price_cents)

    @admin.display(description=_("pro net"))
    def pro_net(self, obj):
        if obj.pk is None or obj.category_id is None:
            return "-"
        return format_eur(obj.pro_net_cents)
