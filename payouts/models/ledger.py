"""The pros' earnings ledger: one row per reason, never updated or deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import datefmt
from core.money import format_eur
from pros.models import Pro


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
