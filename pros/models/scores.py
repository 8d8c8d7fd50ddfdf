"""What a pro's score is computed from (the computation is in pros/scoring/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import datefmt

from .pros import Pro


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
