from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import PriceBreakdown, breakdown, percent_of

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Category(models.Model):
    class Slug(models.TextChoices):
        CLEANING = "cleaning", _("Cleaning")
        HAIRDRESSING = "hairdressing", _("Hairdressing")
        BEAUTY = "beauty", _("Beauty care")
        MASSAGE = "massage", _("Massage")

    slug = models.SlugField(unique=True, choices=Slug.choices, verbose_name=_("identifiant"))
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # Commission rates, in percent of the platform-set service price.
    customer_fee_percent = models.DecimalField(
        _("customer service fee (%)"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    pro_commission_percent = models.DecimalField(
        _("pro commission (%)"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer_fee_percent__gte=0, customer_fee_percent__lte=100)
                & models.Q(pro_commission_percent__gte=0, pro_commission_percent__lte=100),
                name="category_rates_are_percentages",
            )
        ]

    def __str__(self):
        return self.get_slug_display()

    @property
    def is_cleaning(self) -> bool:
        return self.slug == self.Slug.CLEANING


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Service(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("catégorie")
    )
    slug = models.SlugField(unique=True, verbose_name=_("identifiant"))
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    # The platform-set price before the customer fee; pros never set prices.
    base_price_cents = models.PositiveIntegerField(_("base price (cents)"))
    is_active = models.BooleanField(default=True, verbose_name=_("actif"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "position", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="service_duration_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr

    @property
    def is_hourly(self) -> bool:
        """Cleaning is sold by the hour: a session of another length costs pro rata."""
        return self.category.is_cleaning

    def pricing(self, *, minutes: int | None = None) -> PriceBreakdown:
        """The price breakdown; with `minutes`, an hourly service's price for that length (the
        base price pro rata, rounded half up to the cent). Other services keep their price."""
        base = self.base_price_cents
        if minutes is not None and self.is_hourly and minutes != self.duration_minutes:
            base = percent_of(base, Decimal(100) * minutes / self.duration_minutes)
        return breakdown(
            base_cents=base,
            customer_fee_percent=self.category.customer_fee_percent,
            pro_commission_percent=self.category.pro_commission_percent,
        )

    def price_snapshot(self, *, minutes: int | None = None) -> dict:
        """The prices a booking request (and its booking) keep, whatever the catalogue
        becomes later: the `*_cents` fields they store, by name (`minutes`: see pricing)."""
        pricing = self.pricing(minutes=minutes)
        return {
            "price_cents": pricing.customer_price_cents,
            "pro_net_cents": pricing.pro_net_cents,
            "platform_share_cents": pricing.platform_share_cents,
        }

    @property
    def price_cents(self) -> int:
        """What the customer pays."""
        return self.pricing().customer_price_cents

    @property
    def pro_net_cents(self) -> int:
        return self.pricing().pro_net_cents
