"""Support's view of money: charges (unpaid, refunded, disputed; retry), payouts and their
items (held and why; retry a failed one), the ledger (adjustments with a reason), payout
accounts, webhooks received. Read-only; every change goes through a service."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceOnlyAdmin, ServiceOnlyInline, service_action
from core.money import format_eur
from pros.services.bank import mask_iban

from . import services
from .models import Charge, LedgerEntry, Payout, PayoutAccount, PayoutItem, WebhookEvent


class DisputedFilter(admin.SimpleListFilter):
    title = _("refunded or disputed")
    parameter_name = "trouble"

    def lookups(self, request, model_admin):
        return [("disputed", _("Disputed")), ("refunded", _("Refunded"))]

    def queryset(self, request, queryset):
        if self.value() == "disputed":
            return queryset.filter(disputed_at__isnull=False)
        if self.value() == "refunded":
            return queryset.filter(refunded_cents__gt=0)
        return queryset


def _retry_charge(charge, by):
    services.charge_retry_now(charge=charge, by=by)
    services.charge_attempt(charge_id=charge.pk)


@admin.register(Charge)
class ChargeAdmin(ServiceOnlyAdmin):
    list_display = [
        "id",
        "booking",
        "customer",
        "amount",
        "status",
        "attempts",
        "due_on",
        "failure_code",
        "refunded_cents",
        "disputed_at",
    ]
    list_filter = ["status", "failure_code", DisputedFilter, "first_due_on"]
    search_fields = ["=id", "=booking__id", "customer__user__email", "gateway_payment_id"]
    list_select_related = [
        "customer__user",
        "booking__service",
        "booking__customer__user",
        "booking__pro__user",
    ]
    date_hierarchy = "first_due_on"
    actions = ["retry"]

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, charge):
        return format_eur(charge.amount_cents)

    retry = service_action(
        description=_("Charge again now (the customer's default card)"), apply=_retry_charge
    )


class PayoutItemInline(ServiceOnlyInline):
    model = PayoutItem
    fields = ["entry", "kind", "earned_on", "amount"]

    @admin.display(description=_("kind"))
    def kind(self, item):
        return item.entry.get_kind_display()

    @admin.display(description=_("earned on"))
    def earned_on(self, item):
        return item.entry.earned_on

    @admin.display(description=_("amount"))
    def amount(self, item):
        return format_eur(item.entry.amount_cents)


@admin.register(Payout)
class PayoutAdmin(ServiceOnlyAdmin):
    list_display = [
        "id",
        "pro",
        "frequency",
        "period_start",
        "period_end",
        "amount",
        "item_count",
        "status",
        "held_reason",
        "arrival_on",
        "failure_code",
    ]
    list_filter = ["status", "held_reason", "frequency", "batch_on"]
    search_fields = ["=id", "pro__user__email", "pro__user__last_name", "gateway_transfer_id"]
    list_select_related = ["pro__user"]
    date_hierarchy = "batch_on"
    inlines = [PayoutItemInline]
    actions = ["retry"]

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, payout):
        return format_eur(payout.amount_cents)

    retry = service_action(
        description=_("Send a failed payout again (sent within 5 minutes)"),
        apply=lambda payout, by: services.payout_retry(payout=payout, by=by),
    )


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = LedgerEntry
        fields = ["pro", "amount_cents", "reason"]
        help_texts = {
            "amount_cents": _("In cents; negative to take back (e.g. -1500 for -15,00 €)."),
            "reason": _("Required. Shown to support and in the audit log."),
        }

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("A reason is required."))
        if data.get("amount_cents") == 0:
            self.add_error("amount_cents", _("Enter a non-zero amount."))
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ServiceOnlyAdmin):
    """Entries are never edited; support adds an adjustment (with a reason) through
    ledger_adjust: "Add ledger entry"."""

    list_display = ["id", "pro", "kind", "amount", "earned_on", "paid_in", "reason", "created_by"]
    list_filter = ["kind", "earned_on"]
    search_fields = ["=id", "pro__user__email", "pro__user__last_name", "reason"]
    list_select_related = ["pro__user", "created_by", "payout_item"]
    date_hierarchy = "earned_on"
    raw_id_fields = ["pro"]
    editable_fields = ("pro", "amount_cents", "reason")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AdjustmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["pro", "amount_cents", "reason"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [field.name for field in LedgerEntry._meta.concrete_fields]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("payouts.add_ledgerentry")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        entry = services.ledger_adjust(
            pro=form.cleaned_data["pro"],
            amount_cents=form.cleaned_data["amount_cents"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        obj.pk = entry.pk

    @admin.display(description=_("amount"), ordering="amount_cents")
    def amount(self, entry):
        return format_eur(entry.amount_cents)

    @admin.display(description=_("paid in payout"))
    def paid_in(self, entry):
        item = getattr(entry, "payout_item", None)
        return f"#{item.payout_id}" if item else "—"


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ServiceOnlyAdmin):
    list_display = [
        "pro",
        "gateway_account_id",
        "iban_last4",
        "frequency",
        "next_frequency",
        "next_frequency_from",
        "problem",
    ]
    list_filter = ["frequency", "gateway"]
    search_fields = ["pro__user__email", "gateway_account_id"]
    list_select_related = ["pro__user"]
    actions = ["sync"]

    @admin.display(description=_("IBAN"))
    def iban_last4(self, account):
        """Masked as on the pro's bank page and their pros admin page (never in full)."""
        return mask_iban(account.synced_iban) or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [name for name in fields if name != "synced_iban"] + ["iban_last4"]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != "synced_iban"]

    sync = service_action(
        description=_("Send the pro's current IBAN to the provider"),
        apply=lambda account, by: services.payout_account_sync(pro=account.pro),
    )


def _reprocess(event, by):
    if event.status == WebhookEvent.Status.FAILED:
        WebhookEvent.objects.filter(pk=event.pk, status=WebhookEvent.Status.FAILED).update(
            status=WebhookEvent.Status.RECEIVED
        )
    services.webhook_process(event_id=event.pk)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ServiceOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "account", "status", "attempts"]
    list_filter = ["status", "type", "livemode"]
    search_fields = ["event_id", "object_id", "account"]
    date_hierarchy = "received_at"
    actions = ["reprocess"]

    reprocess = service_action(
        description=_("Process again (re-reads the object at the provider)"), apply=_reprocess
    )
