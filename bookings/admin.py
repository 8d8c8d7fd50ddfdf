"""Support's tools in the Django admin.

Rows of this app change only through `bookings.services` (every transition is locked, audited
in the timeline and notified): the admin pages are read-only and the actions call the
services. The "flagged requests" queue lists the requests that ran out of candidates, soonest
start first, each with its timeline; support sends bonus proposals to chosen pros, cancels or
re-dispatches them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import format_eur
from pros.models import Pro

from . import selectors, services
from .events import event_label
from .models import (
    Booking,
    BookingEvent,
    BookingRequest,
    CounterOffer,
    Favorite,
    FlaggedBookingRequest,
    Proposal,
)

# --- read-only base -------------------------------------------------------------------------


class ServiceOnlyAdmin(admin.ModelAdmin):
    """No add, no delete, every field read-only, no save button: changes go through actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        own = [field.name for field in self.model._meta.concrete_fields]
        return list(dict.fromkeys([*own, *self.readonly_fields]))

    def save_model(self, request, obj, form, change):
        """Never write a row from the form (it could overwrite a concurrent transition)."""

    def save_related(self, request, form, formsets, change):
        pass

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)


def _paris(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"


def _pro_link(pro):
    if pro is None:
        return "-"
    url = reverse("admin:pros_pro_change", args=[pro.pk])
    return format_html('<a href="{}">{}</a>', url, pro.user.get_full_name() or pro.user.email)


def _neighbourhood(address):
    return f"{address.postal_code} {address.city}"


# --- the timeline as support reads it -------------------------------------------------------


def _event_details(event) -> str:
    data = event.data or {}
    parts = []
    if data.get("is_bonus"):
        parts.append(gettext("bonus"))
    if "rank" in data:
        parts.append(gettext("rank %(rank)s, score %(score)s") % data)
    if data.get("distance_m") is not None:
        parts.append(gettext("%(km).1f km") % {"km": data["distance_m"] / 1000})
    if data.get("expires_at"):
        from django.utils.dateparse import parse_datetime

        parts.append(
            gettext("answer before %(when)s") % {"when": _paris(parse_datetime(data["expires_at"]))}
        )
    if data.get("start") and event.kind in (
        "proposal_countered",
        "session_proposed",
        "request_created",
    ):
        from django.utils.dateparse import parse_datetime

        parts.append(gettext("start %(when)s") % {"when": _paris(parse_datetime(data["start"]))})
    if data.get("reason"):
        parts.append(gettext("reason: %(reason)s") % {"reason": data["reason"]})
    return ", ".join(parts)


def render_timeline(request_obj):
    events = list(selectors.timeline_for(request_obj))
    pro_ids = {event.data.get("pro") for event in events if event.data.get("pro")}
    pros = {pro.pk: pro for pro in Pro.objects.filter(pk__in=pro_ids).select_related("user")}
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                _paris(event.created_at),
                event_label(event.kind),
                _pro_link(pros.get(event.data.get("pro"))),
                event.actor.email if event.actor else gettext("system"),
                _event_details(event),
            )
            for event in events
        ),
    )
    return format_html(
        '<table class="timeline"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
        gettext("When (Paris)"),
        gettext("What"),
        gettext("Pro"),
        gettext("By"),
        gettext("Details"),
        rows,
    )


# --- actions (each calls one service per row and reports) -----------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BonusForm(forms.Form):
    pros = forms.ModelMultipleChoiceField(
        label=_("Pros near the address"),
        queryset=Pro.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    others = forms.CharField(
        label=_("Other pros (ids or e-mail addresses, comma-separated)"), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["pros"].queryset = Pro.objects.filter(pk__in=[p.pk for p in candidates])
        labels = {pro.pk: self._label(pro) for pro in candidates}
        self.fields["pros"].label_from_instance = lambda pro: labels.get(pro.pk, str(pro))

    @staticmethod
    def _label(pro):
        offers = gettext("offers the service") if pro.offers_service else gettext("other services")
        return f"{pro.user.get_full_name()} <{pro.user.email}> · {pro.distance_km} km · {pro.get_status_display()} · {offers}"

    def clean_others(self):
        chosen = []
        for token in [t.strip() for t in self.cleaned_data["others"].replace(";", ",").split(",")]:
            if not token:
                continue
            query = (
                Q(user__email__iexact=token)
                if "@" in token
                else Q(pk=int(token))
                if token.isdigit()
                else None
            )
            pro = Pro.objects.filter(query).select_related("user").first() if query else None
            if pro is None:
                raise forms.ValidationError(gettext("Unknown pro: %(token)s") % {"token": token})
            chosen.append(pro)
        return chosen

    def clean(self):
        data = super().clean()
        if not self.errors and not (list(data.get("pros") or []) + data.get("others", [])):
            raise forms.ValidationError(gettext("Choose at least one pro."))
        return data

    def chosen(self):
        return list(self.cleaned_data["pros"]) + self.cleaned_data["others"]


def _step(modeladmin, request, queryset, *, template, title, action, form, extra=None):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)


def _report(modeladmin, request, done, failures, done_message):
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    for obj, error in failures:
        modeladmin.message_user(
            request,
            gettext("#%(id)s: %(message)s") % {"id": obj.pk, "message": error.message},
            messages.ERROR,
        )


@admin.action(description=_("Send bonus proposals to chosen pros"), permissions=["change"])
def send_bonus(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(
            request, gettext("Choose exactly one request for bonus proposals."), messages.ERROR
        )
        return None
    booking_request = queryset.select_related("address", "customer__user", "service").get()
    candidates = selectors.bonus_candidates_for(booking_request)
    form = BonusForm(request.POST if "apply" in request.POST else None, candidates=candidates)
    if "apply" in request.POST and form.is_valid():
        try:
            created = services.booking_request_send_bonus(
                request=booking_request, pros=form.chosen(), by=request.user
            )
        except DomainError as error:
            modeladmin.message_user(request, str(error.message), messages.ERROR)
            return None
        if created:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d bonus proposal sent.",
                    "%(count)d bonus proposals sent.",
                    len(created),
                )
                % {"count": len(created)},
                messages.SUCCESS,
            )
        else:
            modeladmin.message_user(
                request, gettext("These pros were already asked: nothing sent."), messages.WARNING
            )
        return None
    return _step(
        modeladmin,
        request,
        queryset,
        template="bookings/admin/bonus_step.html",
        title=gettext("Bonus proposals for request #%(id)s") % {"id": booking_request.pk},
        action="send_bonus",
        form=form,
        extra={"booking_request": booking_request, "candidates": candidates},
    )


def _with_reason(modeladmin, request, queryset, *, cancel, title, action, done_message):
    """Ask for a reason on an intermediate page, then call `cancel(row, by, reason)` per row."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done, failures = 0, []
        for row in queryset.order_by("pk"):
            try:
                cancel(row, request.user, form.cleaned_data["reason"])
                done += 1
            except DomainError as error:
                failures.append((row, error))
        _report(modeladmin, request, done, failures, done_message)
        return None
    return _step(
        modeladmin,
        request,
        queryset,
        template="bookings/admin/reason_step.html",
        title=title,
        action=action,
        form=form,
    )


@admin.action(description=_("Cancel the selected requests (with a reason)"), permissions=["change"])
def cancel_requests(modeladmin, request, queryset):
    return _with_reason(
        modeladmin,
        request,
        queryset,
        cancel=lambda row, by, reason: services.booking_request_cancel(
            request=row, by=by, reason=reason
        ),
        title=gettext("Cancel requests"),
        action="cancel_requests",
        done_message=gettext("%(count)d request(s) cancelled."),
    )


@admin.action(description=_("Re-dispatch the selected requests now"), permissions=["change"])
def redispatch(modeladmin, request, queryset):
    done, failures = 0, []
    for booking_request in queryset.order_by("pk"):
        try:
            services.booking_request_redispatch(request=booking_request, by=request.user)
            done += 1
        except DomainError as error:
            failures.append((booking_request, error))
    _report(
        modeladmin, request, done, failures, gettext("%(count)d request(s) sent to dispatch again.")
    )


@admin.action(description=_("Cancel the selected bookings (with a reason)"), permissions=["change"])
def cancel_bookings(modeladmin, request, queryset):
    return _with_reason(
        modeladmin,
        request,
        queryset,
        cancel=lambda row, by, reason: services.booking_cancel(booking=row, by=by, reason=reason),
        title=gettext("Cancel bookings"),
        action="cancel_bookings",
        done_message=gettext("%(count)d booking(s) cancelled."),
    )


# --- inlines ---------------------------------------------------------------------------------


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ("pro", "status", "is_bonus", "sent_at", "expires_at", "answered_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    ordering = ("sent_at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pro__user")


class CounterOfferInline(admin.TabularInline):
    model = CounterOffer
    fk_name = "request"
    extra = 0
    fields = ("pro", "start", "end", "status", "created_at", "answered_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

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


class RequestAdminBase(ServiceOnlyAdmin):
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
    actions = [send_bonus, cancel_requests, redispatch]
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

    @admin.display(description=_("neighbourhood"))
    def where(self, obj):
        return _neighbourhood(obj.address)

    @admin.display(description=_("customer price"), ordering="price_cents")
    def price(self, obj):
        return format_eur(obj.price_cents)

    @admin.display(description=_("pro net"), ordering="pro_net_cents")
    def net(self, obj):
        return format_eur(obj.pro_net_cents)

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
        from django.utils.timesince import timeuntil

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
    list_select_related = ("request", "pro__user")
    search_fields = ("=id", "=request__id", "pro__user__email", "pro__user__last_name")
    date_hierarchy = "sent_at"


@admin.register(CounterOffer)
class CounterOfferAdmin(ServiceOnlyAdmin):
    list_display = ("id", "request", "pro", "start", "end", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("request", "pro__user")
    search_fields = ("=id", "=request__id", "pro__user__email")


@admin.register(Booking)
class BookingAdmin(ServiceOnlyAdmin):
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
    actions = [cancel_bookings]
    readonly_fields = ("timeline", "where", "price", "net")

    @admin.display(description=_("neighbourhood"))
    def where(self, obj):
        return _neighbourhood(obj.address)

    @admin.display(description=_("customer price"), ordering="price_cents")
    def price(self, obj):
        return format_eur(obj.price_cents)

    @admin.display(description=_("pro net"), ordering="pro_net_cents")
    def net(self, obj):
        return format_eur(obj.pro_net_cents)

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return render_timeline(obj.request)


@admin.register(BookingEvent)
class BookingEventAdmin(ServiceOnlyAdmin):
    list_display = ("created_at", "request", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("request", "actor")
    search_fields = ("=request__id", "kind", "actor__email")
    date_hierarchy = "created_at"


@admin.register(Favorite)
class FavoriteAdmin(ServiceOnlyAdmin):
    list_display = ("customer", "pro", "created_at")
    list_select_related = ("customer__user", "pro__user")
    search_fields = ("customer__user__email", "pro__user__email")
