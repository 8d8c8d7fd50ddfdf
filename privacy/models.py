"""A person's copy of their data (GDPR art. 15/20): one row per export asked for.

The JSON file lives in private storage (never under MEDIA_URL); the e-mailed link carries a
signed token (privacy.export_links) naming this row and its `nonce`, and stops working at
`expires_at` (410) — a beat task then deletes the file. Rows stay (who asked, when) as the
record that the request was answered.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pros.models import private_storage


class DataExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        EXPIRED = "expired", _("Expiré")
        FAILED = "failed", _("Échec")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Random part of the download token: a new export never reopens an old link.
    nonce = models.CharField(max_length=32)
    file = models.FileField(storage=private_storage, upload_to="exports/%Y/%m/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    # The link stops working at this moment (PRIVACY_EXPORT_LINK_HOURS after ready_at).
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("export de données")
        verbose_name_plural = _("exports de données")

    def __str__(self):
        return f"export #{self.pk} user #{self.user_id} ({self.status})"


class BlacklistCarryOver(models.Model):
    """What a blacklisted customer's closed account keeps, for the legitimate interest of the
    pros who reported them (GDPR art. 6(1)(f)): keyed hashes (HMAC, privacy.blacklist_keys) of
    the e-mail address and phone number it had — not the address or number themselves — linked
    to the closed customer row and the reports that led to the blacklisting. A new customer
    account with the same e-mail or phone is blacklisted again (`relinked_customer`). Deleted
    `PRIVACY_BLACKLIST_CARRY_OVER_DAYS` after the closure (privacy.retention)."""

    closed_customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("compte fermé"),
    )
    email_hmac = models.CharField(max_length=64, db_index=True, verbose_name=_("empreinte e-mail"))
    phone_hmac = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("empreinte téléphone")
    )
    # The blacklisting reports (feedback.Report ids), for support.
    report_ids = models.JSONField(default=list, blank=True, verbose_name=_("signalements"))
    blacklisted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("liste noire le"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("fermé le"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("supprimé le"))
    relinked_customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nouveau compte"),
    )
    relinked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("relié le"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("liste noire d'un compte fermé")
        verbose_name_plural = _("listes noires de comptes fermés")

    def __str__(self):
        return f"blacklist carry-over #{self.pk} (customer #{self.closed_customer_id})"


class CardDetach(models.Model):
    """A saved card of a closed account to detach at the payment provider (so it can never be
    charged again). Tried on commit of the closure; a failure stays `done_at` null and the
    retention job tries again (`attempts`, `last_error`)."""

    payment_method = models.OneToOneField(
        "customers.PaymentMethod",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("moyen de paiement"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("demandé le"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("essais"))
    last_error = models.CharField(max_length=200, blank=True, verbose_name=_("dernière erreur"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("retiré le"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("carte à retirer chez le prestataire")
        verbose_name_plural = _("cartes à retirer chez le prestataire")
        indexes = [
            models.Index(
                fields=["id"], name="card_detach_pending", condition=models.Q(done_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"card detach #{self.pk} (payment method #{self.payment_method_id})"
