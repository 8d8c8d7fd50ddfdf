"""Support's tools in the Django admin.

Rows of this app change only through `bookings.services` (every transition is locked, audited
in the timeline and notified): the pages are read-only (core.admin.ServiceOnlyAdmin) and the
actions (actions.py) call the services. The "flagged requests" queue lists the requests that
ran out of candidates, soonest start first, each with its timeline (timeline.py); support
sends bonus proposals to chosen pros, cancels or re-dispatches them.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceOnlyAdmin, ServiceOnlyInline
from core.money import format_eur

from .. import selectors
from ..models import (
    Booking,
    BookingEvent,
    BookingRequest,
    CounterOffer,
    Favorite,
    FlaggedBookingRequest,
    Proposal,
)
from . import actions as support_actions
from .timeline import render_timeline


def _neighbourhood(address) -> str:
    return f"{address.postal_code} {address.city}"


class PricesMixin:
    """The customer price and the pro's net, in euros, for a request or a booking."""

    @admin.display(description=_("neighbourhood"))
    def where(self, obj):
        return _neighbourhood(obj.address)

    @admin.display(description=_("customer price"), ordering="price_cents")
    def price(self, obj):
        return format_eur(obj.price_cents)

    @admin.display(description=_("pro net"), ordering="pro_net_cents")
    def net(self, obj):
        return format_eur(obj.pro_net_cents)


# --- inlines ---------------------------------------------------------------------------------


class ProposalInline(ServiceOnlyInline):
    model = Proposal
    fields = ("pro", "status", "is_bonus", "sent_at", "expires_at", "answered_at")
    show_change_link = True
    ordering = ("sent_at", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pro__user")


class CounterOfferInline(ServiceOnlyInline):
    model = CounterOffer
    fk_name = "request"
    fields = ("pro", "start", "end", "status", "created_at", "answered_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pro__user")


# --- booking requests and the flagged queue -------------------------------------------------


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flagged for support")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(flagged_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(flagged_at__isnull=True)
        return queryset


class RequestAdminBase(PricesMixin, ServiceOnlyAdmin):
    list_select_related = ("customer__user", "service", "address")
    search_fields = (
        "=id",
        "customer__user__email",
        "customer__user__first_name",
        "customer__user__last_name",
        "address__postal_code",
        "address__city",
        "exclusive_pro__user__email",
        "proposals__pro__user__email",
    )
    inlines = [ProposalInline, CounterOfferInline]
    actions = ["send_bonus", "cancel_requests", "redispatch"]
    send_bonus = support_actions.send_bonus
    cancel_requests = support_actions.cancel_requests
    redispatch = support_actions.redispatch
    readonly_fields = ("timeline", "customer_link", "where", "price", "net")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "status",
                    "origin",
                    "customer_link",
                    "service",
                    "start",
                    "end",
                    "where",
                    "notes",
                )
            },
        ),
        (_("Price"), {"fields": ("price", "net")}),
        (
            _("Dispatch"),
            {
                "fields": (
                    "exclusive_pro",
                    "fallback_to_others",
                    "flagged_at",
                    "next_dispatch_at",
                    "booking_deadline",
                    "created_at",
                    "closed_at",
                    "cancel_reason",
                )
            },
        ),
        (_("Timeline"), {"fields": ("timeline",)}),
    )

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return render_timeline(obj)

    @admin.display(description=_("customer"))
    def customer_link(self, obj):
        url = reverse("admin:customers_customer_change", args=[obj.customer_id])
        return format_html('<a href="{}">{}</a>', url, obj.customer.user.email)

    @admin.display(description=_("asked"), ordering="asked_count")
    def asked(self, obj):
        return obj.asked_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(asked_count=Count("proposals", distinct=True))


@admin.register(FlaggedBookingRequest)
class FlaggedBookingRequestAdmin(RequestAdminBase):
    """Support's queue: requests that ran out of candidates, soonest start first."""

    list_display = (
        "id",
        "start",
        "starts_in",
        "service",
        "customer",
        "where",
        "asked",
        "flagged_at",
        "status",
    )
    list_display_links = ("id", "start")
    list_filter = ("service__category", "origin")
    ordering = ("start", "id")

    def get_queryset(self, request):
        flagged = selectors.flagged_requests().values("pk")
        return super().get_queryset(request).filter(pk__in=flagged).order_by("start", "id")

    @admin.display(description=_("starts in"))
    def starts_in(self, obj):
        return timeuntil(obj.start)


@admin.register(BookingRequest)
class BookingRequestAdmin(RequestAdminBase):
    list_display = (
        "id",
        "start",
        "service",
        "customer",
        "where",
        "status",
        "origin",
        "exclusive_pro",
        "asked",
        "flagged_at",
        "created_at",
    )
    list_filter = ("status", "origin", FlaggedFilter, "service__category", "fallback_to_others")
    date_hierarchy = "start"
    list_select_related = ("customer__user", "service", "address", "exclusive_pro__user")


# --- proposals, counter-offers, bookings, events, favourites --------------------------------


@admin.register(Proposal)
class ProposalAdmin(ServiceOnlyAdmin):
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
    list_select_related = ("request__service", "request__customer__user", "pro__user")
    search_fields = ("=id", "=request__id", "pro__user__email", "pro__user__last_name")
    date_hierarchy = "sent_at"


@admin.register(CounterOffer)
class CounterOfferAdmin(ServiceOnlyAdmin):
    list_display = ("id", "request", "pro", "start", "end", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("request__service", "request__customer__user", "pro__user")
    search_fields = ("=id", "=request__id", "pro__user__email")


@admin.register(Booking)
class BookingAdmin(PricesMixin, ServiceOnlyAdmin):
    list_display = ("id", "start", "service", "pro", "customer", "where", "status", "price", "net")
    list_filter = ("status", "service__category")
    list_select_related = ("pro__user", "customer__user", "service", "address")
    search_fields = (
        "=id",
        "=request__id",
        "customer__user__email",
        "customer__user__last_name",
        "pro__user__email",
        "pro__user__last_name",
        "address__postal_code",
    )
    date_hierarchy = "start"
    actions = ["cancel_bookings"]
    cancel_bookings = support_actions.cancel_bookings
    readonly_fields = ("id", "timeline", "where", "price", "net")
    # The booking's own fields first, then what support reads about it.
    fields = (
        "id",
        "request",
        "pro",
        "customer",
        "service",
        "address",
        "start",
        "end",
        "period",
        "busy",
        "status",
        "price_cents",
        "pro_net_cents",
        "platform_share_cents",
        "created_at",
        "cancelled_at",
        "completed_at",
        "timeline",
        "where",
        "price",
        "net",
    )

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return render_timeline(obj.request)


@admin.register(BookingEvent)
class BookingEventAdmin(ServiceOnlyAdmin):
    list_display = ("created_at", "request", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("request__service", "request__customer__user", "actor")
    search_fields = ("=request__id", "kind", "actor__email")
    date_hierarchy = "created_at"


@admin.register(Favorite)
class FavoriteAdmin(ServiceOnlyAdmin):
    list_display = ("customer", "pro", "created_at")
    list_select_related = ("customer__user", "pro__user")
    search_fields = ("customer__user__email", "pro__user__email")


# The customer's page lists their requests and bookings (added to customers' CustomerAdmin).
from . import customer_history  # noqa: E402, F401
