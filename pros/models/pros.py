"""The pro, and the one rule for "may this pro take work"."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# "May this pro take work": the one rule, in three forms (queryset, Python, raw SQL) that must
# agree. A pro *may work* unless suspended (bonus proposals and their own sessions ask only
# that); a pro is *dispatchable* (receives ordinary proposals) when they may work, are active,
# are not on pause, have a verified ID and are not blocked for late cancellations
# (`proposals_blocked_until` set: checkin's rule, through pros.services; the column is cleared
# when the block ends, by the sweep or by support). Active already excludes suspended (one
# status field).
DISPATCHABLE_SQL = (
    "{t}.status = 'active' AND NOT {t}.is_paused AND {t}.id_verified_at IS NOT NULL"
    " AND {t}.proposals_blocked_until IS NULL"
)


class ProQuerySet(models.QuerySet):
    def may_work(self):
        """Pros who may take sessions at all: not suspended."""
        return self.exclude(status=Pro.Status.SUSPENDED)

    def dispatchable(self):
        """Pros who may receive ordinary proposals now (same rule as DISPATCHABLE_SQL)."""
        return self.may_work().filter(
            status=Pro.Status.ACTIVE,
            is_paused=False,
            id_verified_at__isnull=False,
            proposals_blocked_until__isnull=True,
        )


class Pro(models.Model):
    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class PayoutFrequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pro",
        verbose_name=_("utilisateur"),
    )
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.ONBOARDING,
        db_index=True,
        verbose_name=_("statut"),
    )
    # Personal link slug: exists from sign-up, shown once a session is completed.
    slug = models.SlugField(unique=True, max_length=80, verbose_name=_("identifiant"))
    referral_code = models.CharField(
        max_length=12, unique=True, verbose_name=_("code de parrainage")
    )
    referred_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_pros",
        verbose_name=_("parrainé par"),
    )
    terms_accepted_at = models.DateTimeField(verbose_name=_("conditions acceptées le"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("inscrit le"))

    photo = models.ImageField(_("photo"), upload_to="pros/photos/", blank=True)
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    services = models.ManyToManyField(
        "catalog.Service", related_name="pros", blank=True, verbose_name=_("prestations")
    )

    # Zone: a base point and a travel radius, expanded into ZoneCell rows.
    base_address = models.CharField(_("base address"), max_length=250, blank=True)
    base_lat = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("latitude de la base")
    )
    base_lng = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        verbose_name=_("longitude de la base"),
    )
    radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    is_paused = models.BooleanField(_("paused"), default=False)
    id_verified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("identité vérifiée le")
    )
    # Suspension is stored once: status == SUSPENDED (set and lifted by pros.services only).
    # Its moment is the "pro.suspended" audit row (pros.selectors.suspended_since).
    suspension_reason = models.TextField(blank=True, verbose_name=_("motif de suspension"))
    # Late cancellations (3 within 30 days, checkin's rule): no new proposals while set; the
    # moment it ends (cleared then by pros.services.pro_proposal_blocks_lift_expired).
    proposals_blocked_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("propositions bloquées jusqu'au")
    )

    # 0-100; higher means more proposals. Computed later from answers, honouring, ratings, rebookings.
    score = models.PositiveSmallIntegerField(
        default=settings.PRO_DEFAULT_SCORE,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        verbose_name=_("score"),
    )
    completed_sessions_count = models.PositiveIntegerField(
        default=0, verbose_name=_("prestations terminées")
    )

    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=140, blank=True)
    payout_frequency = models.CharField(
        _("payout frequency"),
        max_length=8,
        choices=PayoutFrequency.choices,
        default=PayoutFrequency.WEEKLY,
    )
    # Stripe Connect account id (money owed to pros stays at the provider).
    gateway_account_id = models.CharField(
        max_length=64,
        blank=True,
        verbose_name=_("identifiant du compte chez le prestataire de paiement"),
    )

    objects = ProQuerySet.as_manager()

    class Meta:
        verbose_name = _("pro")
        verbose_name_plural = _("pros")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="pro_score_0_100"
            ),
        ]

    def __str__(self):
        return self.user.get_full_name()

    @property
    def is_id_verified(self) -> bool:
        return self.id_verified_at is not None

    @property
    def has_personal_link(self) -> bool:
        return self.completed_sessions_count > 0

    @property
    def is_suspended(self) -> bool:
        return self.status == Pro.Status.SUSPENDED

    @property
    def may_work(self) -> bool:
        """In Python, the rule of ProQuerySet.may_work (on this instance's values)."""
        return not self.is_suspended

    @property
    def is_dispatchable(self) -> bool:
        """In Python, the rule of ProQuerySet.dispatchable / DISPATCHABLE_SQL."""
        return (
            self.may_work
            and self.status == Pro.Status.ACTIVE
            and not self.is_paused
            and self.is_id_verified
            and self.proposals_blocked_until is None
        )
