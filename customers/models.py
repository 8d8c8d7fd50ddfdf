from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="customer",
        verbose_name=_("utilisateur"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("inscrit le"))
    is_blacklisted = models.BooleanField(_("blacklisted"), default=False, db_index=True)
    blacklisted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("mis en liste noire le")
    )
    blacklist_reason = models.TextField(blank=True, verbose_name=_("motif de la liste noire"))
    # Payment provider's customer id (Stripe "cus_..."; the fake gateway makes its own).
    gateway_customer_id = models.CharField(
        max_length=64,
        blank=True,
        verbose_name=_("identifiant client chez le prestataire de paiement"),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.user.email


class AddressQuerySet(models.QuerySet):
    def active(self):
        return self.filter(deleted_at__isnull=True)


class Address(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("client")
    )
    label = models.CharField(_("label"), max_length=60, blank=True)
    street = models.CharField(_("street"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    lat = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        verbose_name=_("latitude"),
    )
    lng = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
        verbose_name=_("longitude"),
    )
    # h3 cell (integer form) at settings.H3_RESOLUTION, computed on save by customers.services.
    h3_cell = models.BigIntegerField(db_index=True, verbose_name=_("cellule H3"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("ajoutée le"))
    # Soft delete: bookings keep pointing at the address they were made for.
    deleted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("supprimée le"))

    objects = AddressQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="address_coordinates_in_range",
            )
        ]

    def __str__(self):
        return f"{self.street}, {self.postal_code} {self.city}"


class PaymentMethod(models.Model):
    """Reference to a card saved at the payment provider for off-session charges."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="payment_methods", verbose_name=_("client")
    )
    gateway = models.CharField(
        max_length=16, verbose_name=_("prestataire de paiement")
    )  # "fake" or "stripe"
    gateway_payment_method_id = models.CharField(
        max_length=64, verbose_name=_("identifiant du moyen de paiement chez le prestataire")
    )
    brand = models.CharField(max_length=32, blank=True, verbose_name=_("marque"))
    last4 = models.CharField(max_length=4, blank=True, verbose_name=_("4 derniers chiffres"))
    exp_month = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("mois d'expiration")
    )
    exp_year = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("année d'expiration")
    )
    is_default = models.BooleanField(default=True, verbose_name=_("par défaut"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("ajouté le"))
    detached_at = models.DateTimeField(null=True, blank=True, verbose_name=_("retiré le"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_payment_method_id"],
                name="payment_method_unique_per_gateway",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default=True, detached_at__isnull=True),
                name="one_default_payment_method_per_customer",
            ),
        ]

    def __str__(self):
        return f"{self.brand} •••• {self.last4}"
