"""Payouts: one per (pro, period), each ledger entry in at most one payout."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import datefmt
from core.money import format_eur
from pros.models import Pro

from .accounts import Frequency
from .ledger import LedgerEntry


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
