"""Money: customer charges, the pros' earnings ledger, payouts, provider webhooks.

checkin decides that something is billable (`checkin.BillableItem`); payouts turns it into
money. Invariants held by the database:
- a billable item is charged at most once (Charge.billable is one-to-one);
- a billable item is earned at most once, a referred pro's bonus is paid at most once
  (LedgerEntry one-to-ones), and ledger rows are never updated or deleted (a trigger);
- one payout per (pro, period), each ledger entry in at most one payout (PayoutItem.entry);
- a provider event is stored once (WebhookEvent.event_id).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import datefmt
from core.money import format_eur
from pros.models import Pro

Frequency = Pro.PayoutFrequency


class PayoutAccount(models.Model):
    """The pro's side at the payment provider (Stripe Connect): their connected account, the
    IBAN its bank account was set with, and the payout frequency in force.

    The pro's bank details and chosen frequency stay on pros.Pro (the pro's settings form);
    this row follows them (payouts.services.accounts): a new IBAN updates the account, a new
    frequency applies from the next period."""

    pro = models.OneToOneField(
        Pro, on_delete=models.PROTECT, related_name="payout_account", verbose_name=_("pro")
    )
    gateway = models.CharField(max_length=16, blank=True, verbose_name=_("prestataire de paiement"))
    gateway_account_id = models.CharField(
        max_length=64,
        blank=True,
        verbose_name=_("identifiant du compte chez le prestataire de paiement"),
    )
    # The IBAN the connected account's bank account was set with ("" = none yet).
    synced_iban = models.CharField(max_length=34, blank=True, verbose_name=_("IBAN synchronisé"))
    # Why the provider cannot pay this pro (a failed bank payout, a refused account); cleared
    # by a new IBAN.
    problem = models.CharField(max_length=200, blank=True, verbose_name=_("problème"))
    frequency = models.CharField(
        max_length=8,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
        verbose_name=_("fréquence"),
    )
    # A change the pro asked for, in force for sessions from `next_frequency_from`.
    next_frequency = models.CharField(
        max_length=8, choices=Frequency.choices, blank=True, verbose_name=_("prochaine fréquence")
    )
    next_frequency_from = models.DateField(
        null=True, blank=True, verbose_name=_("prochaine fréquence à partir du")
    )
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("modifié le"))

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_frequency="", next_frequency_from__isnull=True)
                | (~models.Q(next_frequency="") & models.Q(next_frequency_from__isnull=False)),
                name="payout_account_next_frequency_dated",
            ),
        ]

    def __str__(self):
        return f"{self.pro} ({self.gateway_account_id or '-'})"


class Charge(models.Model):
    """One off-session card charge of one billable item. `due_on` is the next attempt's Paris
    date (the item's billable day, then the retries on days 1 and 3 after it)."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    billable = models.OneToOneField(
        "checkin.BillableItem",
        on_delete=models.PROTECT,
        related_name="charge",
        verbose_name=_("élément facturable"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="charges",
        verbose_name=_("client"),
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("réservation"),
    )
    amount_cents = models.PositiveIntegerField(verbose_name=_("montant (centimes)"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DUE, verbose_name=_("statut")
    )
    first_due_on = models.DateField(verbose_name=_("première échéance le"))
    due_on = models.DateField(verbose_name=_("échéance le"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("tentatives"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pris en charge le"))
    payment_method = models.ForeignKey(
        "customers.PaymentMethod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moyen de paiement"),
    )
    gateway = models.CharField(max_length=16, blank=True, verbose_name=_("prestataire de paiement"))
    gateway_payment_id = models.CharField(
        max_length=64, blank=True, verbose_name=_("identifiant du paiement chez le prestataire")
    )
    # Given to the customer's app when the bank asks them to confirm (3-D Secure).
    client_secret = models.CharField(max_length=200, blank=True, verbose_name=_("secret client"))
    failure_code = models.CharField(max_length=40, blank=True, verbose_name=_("code d'échec"))
    succeeded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("réussi le"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("échoué le"))
    refunded_cents = models.PositiveIntegerField(default=0, verbose_name=_("remboursé (centimes)"))
    disputed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("contesté le"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-first_due_on", "-id"]
        indexes = [
            models.Index(fields=["due_on"], name="charge_due", condition=models.Q(status="due")),
            models.Index(
                fields=["claimed_at"],
                name="charge_processing",
                condition=models.Q(status="processing"),
            ),
            models.Index(fields=["gateway_payment_id"], name="charge_gateway_payment"),
            models.Index(fields=["customer", "-first_due_on"], name="charge_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="charge_amount_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="processing") | models.Q(claimed_at__isnull=False),
                name="charge_processing_claimed",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("first_due_on")),
                name="charge_due_after_first",
            ),
        ]

    def __str__(self):
        amount = format_eur(self.amount_cents)
        return f"{amount} ({self.get_status_display()}), {datefmt.short_date(self.created_at)}"


class LedgerEntryQuerySet(models.QuerySet):
    def unpaid(self):
        return self.filter(payout_item__isnull=True)


class LedgerEntry(models.Model):
    """What the platform owes a pro, one row per reason, never edited (corrections are new
    rows; a database trigger refuses UPDATE and DELETE). `earned_on` is the Paris day the
    money counts for: the session's date, or the day a bonus or adjustment was granted."""

    class Kind(models.TextChoices):
        EARNING = "earning", _("Session")
        FEE_SHARE = "fee_share", _("Cancellation or absence fee")
        REFERRAL_BONUS = "referral_bonus", _("Referral bonus")
        ADJUSTMENT = "adjustment", _("Adjustment")

    pro = models.ForeignKey(
        Pro, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("pro")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("type"))
    amount_cents = models.IntegerField(verbose_name=_("montant (centimes)"))
    earned_on = models.DateField(verbose_name=_("gagné le"))
    billable = models.OneToOneField(
        "checkin.BillableItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entry",
        verbose_name=_("élément facturable"),
    )
    # Referral bonus: the referred pro whose 5th session earned it (once per referred pro).
    referred_pro = models.OneToOneField(
        Pro,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral_bonus_entry",
        verbose_name=_("pro parrainé"),
    )
    reason = models.CharField(max_length=500, blank=True, verbose_name=_("motif"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-earned_on", "-id"]
        indexes = [models.Index(fields=["pro", "earned_on"], name="ledger_pro_earned")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["earning", "fee_share"], billable__isnull=False)
                    | (~models.Q(kind__in=["earning", "fee_share"]) & models.Q(billable=None))
                ),
                name="ledger_item_entries_have_item",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="referral_bonus", referred_pro__isnull=False)
                    | (~models.Q(kind="referral_bonus") & models.Q(referred_pro=None))
                ),
                name="ledger_bonus_has_referred_pro",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="adjustment") | ~models.Q(reason=""),
                name="ledger_adjustment_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="adjustment") | models.Q(amount_cents__gt=0),
                name="ledger_only_adjustments_negative",
            ),
        ]

    def __str__(self):
        amount = format_eur(self.amount_cents)
        return f"{self.get_kind_display()} {amount} ({datefmt.short_date(self.earned_on)})"


class Payout(models.Model):
    """One batch's money for one pro: a Transfer to their connected account, then a bank
    payout from it. A *held* payout claims no entries: they stay unpaid and join the next
    batch (the held row is then marked *carried*)."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        PENDING = "pending", _("To send")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("payout status", "Sent")
        PAID = "paid", _("Arrived")
        FAILED = "failed", _("Failed")
        CARRIED = "carried", _("Carried to a later payout")

    class HeldReason(models.TextChoices):
        NO_IBAN = "no_iban", _("No valid IBAN")
        NO_ACCOUNT = "no_account", _("Payment account not set up yet")
        ACCOUNT_PROBLEM = "account_problem", _("The bank refused the last transfer")

    pro = models.ForeignKey(
        Pro, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("pro")
    )
    frequency = models.CharField(
        max_length=8, choices=Frequency.choices, verbose_name=_("fréquence")
    )
    period_start = models.DateField(verbose_name=_("début de période"))
    period_end = models.DateField(verbose_name=_("fin de période"))
    batch_on = models.DateField(verbose_name=_("lot du"))
    arrival_on = models.DateField(verbose_name=_("arrivée prévue le"))
    amount_cents = models.IntegerField(default=0, verbose_name=_("montant (centimes)"))
    item_count = models.PositiveIntegerField(default=0, verbose_name=_("nombre de lignes"))
    status = models.CharField(max_length=8, choices=Status.choices, verbose_name=_("statut"))
    held_reason = models.CharField(
        max_length=16, choices=HeldReason.choices, blank=True, verbose_name=_("motif de la retenue")
    )
    carried_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_from",
        verbose_name=_("reporté dans"),
    )
    gateway_account_id = models.CharField(
        max_length=64,
        blank=True,
        verbose_name=_("identifiant du compte chez le prestataire de paiement"),
    )
    gateway_transfer_id = models.CharField(
        max_length=64, blank=True, verbose_name=_("identifiant du transfert chez le prestataire")
    )
    gateway_payout_id = models.CharField(
        max_length=64, blank=True, verbose_name=_("identifiant du virement chez le prestataire")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("tentatives"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pris en charge le"))
    failure_code = models.CharField(max_length=40, blank=True, verbose_name=_("code d'échec"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("envoyé le"))
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("payé le"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("échoué le"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-batch_on", "-id"]
        indexes = [
            models.Index(fields=["pro", "-batch_on"], name="payout_pro_batch"),
            models.Index(
                fields=["id"],
                name="payout_to_send",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["gateway_payout_id"], name="payout_gateway_payout"),
            # Vital signs: payouts held now (ops counts them on every scrape).
            models.Index(fields=["id"], name="payout_held", condition=models.Q(status="held")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pro", "period_start", "period_end"], name="payout_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payout_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status="held", held_reason__gt="")
                | (~models.Q(status="held") & models.Q(held_reason="")),
                name="payout_held_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["held", "carried"]) | models.Q(amount_cents__gt=0),
                name="payout_paid_amount_positive",
            ),
        ]

    def __str__(self):
        period = f"{datefmt.short_date(self.period_start)} – {datefmt.short_date(self.period_end)}"
        return f"{format_eur(self.amount_cents)}, {period}"


class PayoutItem(models.Model):
    """A ledger entry paid by a payout; one-to-one, so an entry is paid at most once."""

    payout = models.ForeignKey(
        Payout, on_delete=models.PROTECT, related_name="items", verbose_name=_("virement")
    )
    entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        related_name="payout_item",
        verbose_name=_("écriture"),
    )

    class Meta:
        verbose_name = _("payout item")
        verbose_name_plural = _("payout items")

    def __str__(self):
        return f"entry #{self.entry_id} in payout #{self.payout_id}"


class WebhookEvent(models.Model):
    """A provider event, stored once by its id; the payload is only a trigger: processing
    re-reads the object through the gateway."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (type not handled)")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(
        max_length=80, unique=True, verbose_name=_("identifiant de l'événement")
    )
    type = models.CharField(max_length=80, verbose_name=_("type"))
    account = models.CharField(
        max_length=64, blank=True, verbose_name=_("compte")
    )  # set for Connect events
    object_id = models.CharField(
        max_length=80, blank=True, verbose_name=_("identifiant de l'objet")
    )
    livemode = models.BooleanField(default=False, verbose_name=_("mode réel"))
    payload = models.JSONField(verbose_name=_("contenu"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED, verbose_name=_("statut")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pris en charge le"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("tentatives"))
    error = models.TextField(blank=True, verbose_name=_("erreur"))
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("reçu le"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("traité le"))

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="webhook_unprocessed",
                condition=models.Q(status__in=["received", "processing"]),
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class FakeGatewayObject(models.Model):
    """The fake gateway's own state (what Stripe would keep): payment intents, accounts,
    transfers, payouts, by id and by idempotency key, so that every process sees the same."""

    object_id = models.CharField(
        max_length=80, unique=True, verbose_name=_("identifiant de l'objet")
    )
    idempotency_key = models.CharField(
        max_length=120, unique=True, null=True, blank=True, verbose_name=_("clé d'idempotence")
    )
    kind = models.CharField(max_length=20, verbose_name=_("type"))
    data = models.JSONField(default=dict, verbose_name=_("données"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        verbose_name = _("fake gateway object")
        verbose_name_plural = _("fake gateway objects")

    def __str__(self):
        return self.object_id
