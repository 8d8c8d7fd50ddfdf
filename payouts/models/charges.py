"""What a customer is charged: at most one charge per billable item."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import datefmt
from core.money import format_eur


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
