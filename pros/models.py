from django.conf import settings
from django.core.files.storage import Storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import datefmt


class _PrivateStorage(Storage):
    """Resolves settings.STORAGES["private"] on every call, so a settings change (tests, a
    different backend per environment) is honoured; FileField keeps the object it gets."""

    def _backend(self):
        from django.core.files.storage import storages

        return storages["private"]

    def open(self, name, mode="rb"):
        return self._backend().open(name, mode)

    def save(self, name, content, max_length=None):
        return self._backend().save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self._backend().generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self._backend().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self._backend().delete(name)

    def exists(self, name):
        return self._backend().exists(name)

    def listdir(self, path):
        return self._backend().listdir(path)

    def size(self, name):
        return self._backend().size(name)

    def path(self, name):
        return self._backend().path(name)

    def url(self, name):
        raise NotImplementedError(
            "Private files have no URL: serve them through pros:document_file."
        )


def private_storage():
    return _PrivateStorage()


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


class ZoneCell(models.Model):
    """One h3 cell of a pro's zone, carrying what ranking needs so candidates come off an index.

    `dispatchable` and `score` are denormalised from Pro by pros.services (refreshed on every
    change of status, pause, verification, score or zone), so the candidate query walks
    (cell, dispatchable, -score, distance_m) and stops after the K it needs.
    """

    pro = models.ForeignKey(
        Pro, on_delete=models.CASCADE, related_name="zone_cells", verbose_name=_("pro")
    )
    cell = models.BigIntegerField(verbose_name=_("cellule"))
    distance_m = models.PositiveIntegerField(
        verbose_name=_("distance (m)")
    )  # from the pro's base to the cell centre
    score = models.PositiveSmallIntegerField(
        default=settings.PRO_DEFAULT_SCORE, verbose_name=_("score")
    )
    dispatchable = models.BooleanField(
        default=False, verbose_name=_("peut recevoir des propositions")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pro", "cell"], name="zone_cell_unique_per_pro")
        ]
        indexes = [
            models.Index(
                "cell",
                models.F("score").desc(),
                "distance_m",
                "pro",
                name="zone_cell_ranked",
                condition=models.Q(dispatchable=True),
            ),
        ]

    def __str__(self):
        return f"{self.cell:x} ({self.distance_m} m)"


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    pro = models.ForeignKey(
        Pro, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("pro")
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, verbose_name=_("jour"))
    start_time = models.TimeField(verbose_name=_("heure de début"))  # Europe/Paris wall-clock
    end_time = models.TimeField(verbose_name=_("heure de fin"))

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="hours_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_valid"
            ),
        ]
        indexes = [models.Index(fields=["pro", "weekday"], name="hours_pro_weekday")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """Days off: whole Paris days from start_date to end_date inclusive."""

    pro = models.ForeignKey(
        Pro, on_delete=models.CASCADE, related_name="time_off", verbose_name=_("pro")
    )
    start_date = models.DateField(verbose_name=_("du"))
    end_date = models.DateField(verbose_name=_("au"))
    reason = models.CharField(max_length=120, blank=True, verbose_name=_("motif"))

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="time_off_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["pro", "start_date", "end_date"], name="time_off_pro_dates")
        ]

    def __str__(self):
        return f"{datefmt.short_date(self.start_date)} – {datefmt.short_date(self.end_date)}"


class Document(models.Model):
    class Kind(models.TextChoices):
        ID = "id", _("Identity document")
        DIPLOMA = "diploma", _("Diploma")
        CERTIFICATE = "certificate", _("Training certificate")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    pro = models.ForeignKey(
        Pro, on_delete=models.CASCADE, related_name="documents", verbose_name=_("pro")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("type"))
    # Private storage: never under MEDIA_URL; served by an access-checked view.
    file = models.FileField(
        storage=private_storage, upload_to="documents/%Y/%m/", verbose_name=_("fichier")
    )
    original_name = models.CharField(max_length=200, verbose_name=_("nom d'origine"))
    content_type = models.CharField(max_length=100, verbose_name=_("type de contenu"))
    size_bytes = models.PositiveIntegerField(verbose_name=_("taille (octets)"))
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("statut"),
    )
    rejection_reason = models.TextField(blank=True, verbose_name=_("motif du refus"))
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("envoyé le"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("vérifié le"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    # Retention (privacy/retention.py): when the file and its personal fields were deleted; the
    # row stays as the record that the review happened (status, reviewed_at, reviewed_by).
    file_deleted_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.pro})"


class ReferralInvite(models.Model):
    pro = models.ForeignKey(
        Pro, on_delete=models.CASCADE, related_name="referral_invites", verbose_name=_("parrain")
    )
    email = models.EmailField(verbose_name=_("e-mail"))
    name = models.CharField(max_length=120, blank=True, verbose_name=_("nom"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("invité le"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pro", "email"], name="referral_invite_once_per_email")
        ]

    def __str__(self):
        return self.email


class ScoreEvent(models.Model):
    """One fact the pro score reads (pros.scoring), recorded where it happens by the app that
    knows it (bookings, checkin, feedback call pros.scoring downward).

    Once per (pro, kind, ref): a hook that runs twice records nothing new. `weighs` is False
    for what is kept for the pro's explanation but never counts (refusals), and is cleared
    when a fact stops counting (a review hidden by support, a favourite removed).
    """

    class Kind(models.TextChoices):
        ANSWERED = "answered", _("Proposal answered")
        REFUSED = "refused", _("Proposal refused")
        EXPIRED = "expired", _("Proposal left to expire")
        HONOURED = "honoured", _("Session honoured")
        LATE_CANCEL = "late_cancel", _("Session cancelled late")
        RATING = "rating", _("Rating received")
        REBOOKED = "rebooked", _("Customer booked again")
        FAVOURITE = "favourite", _("Made a favourite")

    pro = models.ForeignKey(
        Pro,
        on_delete=models.CASCADE,
        related_name="score_events",
        db_index=False,
        verbose_name=_("pro"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("type"))
    at = models.DateTimeField(verbose_name=_("moment"))
    weighs = models.BooleanField(default=True, verbose_name=_("compte dans le score"))
    # answered/refused: seconds the pro took; rating: the stars.
    value = models.IntegerField(null=True, blank=True, verbose_name=_("valeur"))
    # answered/refused/expired: seconds the pro was given to answer.
    allowed = models.IntegerField(null=True, blank=True, verbose_name=_("excusé"))
    # What it is about: "proposal:12", "booking:7", "review:3", "customer:5".
    ref = models.CharField(max_length=40, verbose_name=_("référence"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("données"))

    class Meta:
        verbose_name = _("score event")
        verbose_name_plural = _("score events")
        indexes = [models.Index(fields=["pro", "at"], name="score_event_pro_at")]
        constraints = [
            models.UniqueConstraint(fields=["pro", "kind", "ref"], name="score_event_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ref} ({datefmt.short_date(self.at)})"
