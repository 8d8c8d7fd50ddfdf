from django.contrib import admin

from .models import Booking, BookingEvent, BookingRequest, CounterOffer, Favorite, Proposal


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ("pro", "status", "is_bonus", "sent_at", "expires_at", "answered_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    fields = ("created_at", "kind", "actor", "data")
    readonly_fields = fields
    can_delete = False


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "customer",
        "service",
        "start",
        "status",
        "origin",
        "exclusive_pro",
        "flagged_at",
        "next_dispatch_at",
    )
    list_filter = ("status", "origin")
    search_fields = ("customer__user__email", "id")
    raw_id_fields = ("customer", "address", "exclusive_pro")
    date_hierarchy = "start"
    inlines = [ProposalInline, BookingEventInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "request",
        "pro",
        "status",
        "is_bonus",
        "sent_at",
        "expires_at",
        "answered_at",
    )
    list_filter = ("status", "is_bonus")
    raw_id_fields = ("request", "pro")


@admin.register(CounterOffer)
class CounterOfferAdmin(admin.ModelAdmin):
    list_display = ("id", "request", "pro", "start", "end", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("proposal", "request", "pro")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("id", "pro", "customer", "service", "start", "end", "status", "price_cents")
    list_filter = ("status",)
    search_fields = ("customer__user__email", "pro__user__email")
    raw_id_fields = ("request", "pro", "customer", "address")
    date_hierarchy = "start"


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "request", "kind", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("request", "booking", "actor")


@admin.register(Favorite)
class FavoriteAdmin(admin.ModelAdmin):
    list_display = ("customer", "pro", "created_at")
    raw_id_fields = ("customer", "pro")
