"""A pro's account at the payment provider (and the payout frequency it follows)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
