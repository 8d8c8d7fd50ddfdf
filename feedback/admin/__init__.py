"""Support's tools for talking, rating and reporting. Rows change only through
feedback.services (audited): the pages read, the actions and the answer form call services.

- Reports: the queue of open reports (oldest first) with the reported object, the reporter,
  the booking's conversation and timeline at hand; dismiss, warn, blacklist the customer.
- Support conversations: open ones first, the person's bookings at hand; answer (the person
  is told in the app and by e-mail), close, reopen.
- Reviews: hide an abusive one with a reason.
- Messages: the flagged ones (contact details masked), with their original.
A pro's page shows their contact-detail flags and the reports against them
(feedback/templates/admin/pros/pro/change_form.html).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import ServiceOnlyAdmin, reason_action, service_action
from core.errors import DomainError

from .. import services
from ..models import Message, Report, Review, SupportConversation
from . import render


class _DefaultOpenFilter(admin.SimpleListFilter):
    """Status filter that shows the open rows unless asked otherwise (a queue)."""

    title = _("status")
    parameter_name = "queue"
    open_value = "open"

    def lookups(self, request, model_admin):
        return [("all", _("All")), ("handled", _("Handled"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open (queue)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.filter(status=self.open_value)
        if self.value() == "handled":
            return queryset.exclude(status=self.open_value)
        return queryset


# --- reports -----------------------------------------------------------------------------------


def _booking_of(report):
    """The booking the report is about; for a proposal, the booking it became (if any)."""
    if report.booking_id or not report.proposal_id:
        return report.booking
    try:
        return report.proposal.request.booking
    except ObjectDoesNotExist:
        return None


def _report_label(report) -> str:
    return f"#{report.pk} {report.get_kind_display()}"


@admin.register(Report)
class ReportAdmin(ServiceOnlyAdmin):
    list_display = ["created_at", "kind", "reporter", "reported", "booking_cell", "status"]
    list_filter = [_DefaultOpenFilter, "kind", "reporter_side"]
    search_fields = [
        "reporter__email",
        "reported_customer__user__email",
        "reported_pro__user__email",
        "details",
    ]
    list_select_related = [
        "reporter",
        "reported_customer__user",
        "reported_pro__user",
        "booking__service",
    ]
    ordering = ["created_at", "id"]
    readonly_fields = ["reported", "reported_object", "booking_cell", "conversation", "timeline"]
    fieldsets = [
        (None, {"fields": ["kind", "reporter", "reporter_side", "created_at", "details"]}),
        (_("Reported"), {"fields": ["reported", "reported_object", "booking_cell"]}),
        (_("At hand"), {"fields": ["conversation", "timeline"]}),
        (_("Handling"), {"fields": ["status", "handled_at", "handled_by", "handling_note"]}),
    ]
    actions = ["dismiss", "warn", "blacklist_customer"]

    @admin.display(description=_("reported"))
    def reported(self, obj):
        if obj.reported_customer_id:
            customer = obj.reported_customer
            flag = _(" (blacklisted)") if customer.is_blacklisted else ""
            return format_html("{}{}", render.customer_link(customer), flag)
        return render.pro_link(obj.reported_pro)

    @admin.display(description=_("booking"))
    def booking_cell(self, obj):
        return render.booking_link(_booking_of(obj))

    @admin.display(description=_("reported object"))
    def reported_object(self, obj):
        if obj.proposal_id:
            request = obj.proposal.request
            return format_html(
                "{} #{}: {} {}<br>{}",
                _("Proposal"),
                obj.proposal_id,
                request.service.name,
                render.paris(request.start),
                request.notes or "-",
            )
        if obj.message_id:
            message = obj.message
            original = message.original_body if message.is_flagged else ""
            return format_html("{} #{}: {}<br>{}", _("Message"), message.pk, message.body, original)
        return (
            _("The customer's behaviour at the session")
            if obj.reported_customer_id
            else _("The pro's behaviour at the session")
        )

    @admin.display(description=_("conversation"))
    def conversation(self, obj):
        return render.conversation(_booking_of(obj))

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        booking = _booking_of(obj)
        if booking is None and obj.proposal_id:
            return render.link(
                "admin:bookings_bookingrequest_change",
                obj.proposal.request_id,
                _("The request's page (with its timeline)"),
            )
        return render.timeline(booking)

    dismiss = reason_action(
        description=_("Dismiss the selected reports"),
        title=_("Dismiss reports"),
        required=False,
        apply=lambda report, by, reason: services.report_dismiss(
            report=report, by=by, reason=reason
        ),
        done_message=ngettext_lazy(
            "%(count)d report dismissed.", "%(count)d reports dismissed.", "count"
        ),
        label=_report_label,
    )
    warn = reason_action(
        description=_("Warn the reported person (your words are sent to them)"),
        title=_("Warn the reported person"),
        help_text=_("The warning the reported person reads, in the app and by e-mail."),
        missing_message=_("Write the warning."),
        apply=lambda report, by, reason: services.report_warn(report=report, by=by, reason=reason),
        done_message=ngettext_lazy("%(count)d warning sent.", "%(count)d warnings sent.", "count"),
        label=_report_label,
    )
    blacklist_customer = reason_action(
        description=_(
            "Blacklist the reported customer (cancels their open requests and future bookings)"
        ),
        title=_("Blacklist the reported customer"),
        help_text=_(
            "Their open requests and future bookings are cancelled without any fee (pros are "
            "told) and they can no longer book."
        ),
        missing_message=_("Give the reason for the blacklisting."),
        apply=lambda report, by, reason: services.report_blacklist(
            report=report, by=by, reason=reason
        ),
        done_message=ngettext_lazy(
            "%(count)d customer blacklisted.", "%(count)d customers blacklisted.", "count"
        ),
        label=_report_label,
    )


# --- support conversations ------------------------------------------------------------------------


class SupportAnswerForm(forms.ModelForm):
    answer = forms.CharField(
        label=_("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Sent to the person in the app and by e-mail, in the conversation."),
    )
    close = forms.BooleanField(label=_("Close the conversation"), required=False)

    class Meta:
        model = SupportConversation
        fields = []


class _SupportQueueFilter(_DefaultOpenFilter):
    def lookups(self, request, model_admin):
        return [("all", _("All")), ("handled", _("Closed"))]


@admin.register(SupportConversation)
class SupportConversationAdmin(ServiceOnlyAdmin):
    form = SupportAnswerForm
    list_display = ["user", "status", "last_message_at", "created_at"]
    list_filter = [_SupportQueueFilter]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    ordering = ["last_message_at", "id"]
    readonly_fields = ["thread", "person_bookings"]
    fieldsets = [
        (None, {"fields": ["user", "status", "created_at", "last_message_at", "closed_at"]}),
        (_("Conversation"), {"fields": ["thread"]}),
        (_("The person's bookings"), {"fields": ["person_bookings"]}),
        (_("Answer"), {"fields": ["answer", "close"]}),
    ]
    actions = ["close_conversations", "reopen_conversations"]

    @admin.display(description=_("messages"))
    def thread(self, obj):
        return render.support_thread(obj)

    @admin.display(description=_("bookings"))
    def person_bookings(self, obj):
        return render.bookings_of(obj.user)

    def save_model(self, request, obj, form, change):
        """The answer and the closing go through the services (audited, notified)."""
        answer = form.cleaned_data.get("answer", "")
        try:
            if answer.strip():
                services.support_answer(conversation=obj, by=request.user, body=answer)
            if form.cleaned_data.get("close"):
                services.support_close(conversation=obj, by=request.user)
        except DomainError as error:
            self.message_user(request, str(error.message), messages.ERROR)

    close_conversations = service_action(
        description=_("Close the selected conversations"),
        apply=lambda conversation, by: services.support_close(conversation=conversation, by=by),
    )
    reopen_conversations = service_action(
        description=_("Reopen the selected conversations"),
        apply=lambda conversation, by: services.support_reopen(conversation=conversation, by=by),
    )


# --- reviews and flagged messages ----------------------------------------------------------------


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Visible"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.register(Review)
class ReviewAdmin(ServiceOnlyAdmin):
    list_display = ["created_at", "pro", "customer", "rating", "short_comment", "hidden_at"]
    list_filter = ["rating", HiddenFilter]
    search_fields = ["pro__user__email", "customer__user__email", "comment"]
    list_select_related = ["pro__user", "customer__user"]
    readonly_fields = ["booking_cell"]
    actions = ["hide"]

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return (obj.comment[:80] + "…") if len(obj.comment) > 80 else obj.comment

    @admin.display(description=_("booking"))
    def booking_cell(self, obj):
        return render.booking_link(obj.booking)

    hide = reason_action(
        description=_("Hide the selected reviews (give a reason)"),
        title=_("Hide reviews"),
        missing_message=_("Give the reason for hiding."),
        apply=lambda review, by, reason: services.review_hide(review=review, by=by, reason=reason),
        done_message=ngettext_lazy(
            "%(count)d review hidden.", "%(count)d reviews hidden.", "count"
        ),
    )


@admin.register(Message)
class MessageAdmin(ServiceOnlyAdmin):
    """Booking messages, read-only; the flagged ones (contact details masked) first."""

    list_display = ["created_at", "booking", "sender_side", "sender", "body", "is_flagged"]
    list_filter = ["is_flagged", "sender_side"]
    search_fields = ["body", "original_body", "sender__email"]
    list_select_related = [
        "sender",
        "booking__service",
        "booking__customer__user",
        "booking__pro__user",
    ]
    ordering = ["-is_flagged", "-created_at", "-id"]
    date_hierarchy = "created_at"
