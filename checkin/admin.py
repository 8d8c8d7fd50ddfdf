"""Support's view of sessions: what each ended in, the declarations with who and when (for
disputes: "did the pro come?"), the work-accident insurance cover (arrival to done), the
billable items; cancellations with or without fee, through the services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceOnlyAdmin, ServiceOnlyInline, reason_action
from core.labels import moment_with_year
from core.money import format_eur

from . import selectors, services
from .models import BillableItem, SessionRecord


def _paris(moment) -> str:
    return moment_with_year(moment) if moment else "—"


class BillableInline(ServiceOnlyInline):
    model = BillableItem
    fk_name = "record"
    fields = ["kind", "amount_cents", "pro_share_cents", "billable_on", "waived_at", "waived_by"]


def _describe(record) -> str:
    return f"{record.booking} ({record.get_outcome_display()})"


@admin.register(SessionRecord)
class SessionRecordAdmin(ServiceOnlyAdmin):
    list_display = [
        "booking_link",
        "start",
        "pro",
        "outcome",
        "arrived_at",
        "declaration_deadline",
    ]
    list_filter = ["outcome", "needs_declaration", "late_cancellation"]
    search_fields = [
        "=booking__id",
        "pro__user__email",
        "pro__user__last_name",
        "booking__customer__user__email",
    ]
    date_hierarchy = "declaration_deadline"
    list_select_related = [
        "booking__service",
        "booking__customer__user",
        "booking__pro__user",
        "pro__user",
    ]
    inlines = [BillableInline]
    fields = [
        "booking_link",
        "pro",
        "outcome",
        "outcome_at",
        "outcome_by",
        "cancel_reason",
        "late_cancellation",
        "insurance_cover",
        "arrived_at",
        "late_minutes",
        "expected_arrival_at",
        "absence_reported_at",
        "actual_minutes",
        "needs_declaration",
        "declaration_deadline",
        "closes_at",
        "next_reminder_at",
        "timeline",
    ]
    readonly_fields = ["booking_link", "insurance_cover", "timeline"]
    actions = ["cancel_with_fee", "cancel_without_fee"]

    @admin.display(description=_("booking"), ordering="booking_id")
    def booking_link(self, record):
        url = reverse("admin:bookings_booking_change", args=[record.booking_id])
        return format_html('<a href="{}">{}</a>', url, record.booking)

    @admin.display(description=_("start (Paris)"), ordering="booking__start")
    def start(self, record):
        return _paris(record.booking.start)

    @admin.display(description=_("work-accident insurance cover"))
    def insurance_cover(self, record):
        if record.arrived_at is None:
            return gettext("Not covered: no arrival declared.")
        until = record.outcome_at if record.outcome_at else None
        return gettext("From %(start)s to %(end)s") % {
            "start": _paris(record.arrived_at),
            "end": _paris(until) if until else gettext("the declaration of the end"),
        }

    @admin.display(description=_("declarations and automatic actions"))
    def timeline(self, record):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _paris(event.created_at),
                    event.label,
                    event.actor.email if event.actor else gettext("system"),
                    ", ".join(
                        f"{key}: {value}" for key, value in event.data.items() if key != "pro"
                    ),
                )
                for event in selectors.session_timeline(record)
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("When (Paris)"),
            gettext("What"),
            gettext("By"),
            gettext("Details"),
            rows,
        )

    cancel_with_fee = reason_action(
        description=_("Cancel (customer's side, fee per the schedule)"),
        title=_("Cancel with the schedule's fee"),
        apply=lambda record, by, reason: services.booking_support_cancel(
            booking=record.booking, by=by, reason=reason, with_fee=True
        ),
        help_text=_("Shown in the timeline. The fee is the one the customer would pay now."),
        max_length=200,
        describe=_describe,
        label=_describe,
    )
    cancel_without_fee = reason_action(
        description=_("Cancel without fee"),
        title=_("Cancel without fee"),
        apply=lambda record, by, reason: services.booking_support_cancel(
            booking=record.booking, by=by, reason=reason, with_fee=False
        ),
        help_text=_("Shown in the timeline. Nobody is charged."),
        max_length=200,
        describe=_describe,
        label=_describe,
    )


@admin.register(BillableItem)
class BillableItemAdmin(ServiceOnlyAdmin):
    list_display = ["booking", "kind", "amount", "pro_share", "billable_on", "waived_at"]
    list_filter = ["kind", "billable_on"]
    search_fields = ["=booking__id"]
    date_hierarchy = "billable_on"
    list_select_related = ["booking__service", "booking__customer__user", "booking__pro__user"]

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, item):
        return format_eur(item.amount_cents)

    @admin.display(description=_("pro share"), ordering="pro_share_cents")
    def pro_share(self, item):
        return format_eur(item.pro_share_cents)
