"""Where and when a pro works: zone cells, weekly working hours, time off."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import datefmt

from .pros import Pro


class ZoneCell(models.Model):
    """One h3 cell of a pro's zone, carrying what ranking needs so candidates come off an index.

    `dispatchable` and `score` are denormalised from Pro by pros.services (refreshed on every
    change of status, pause, verification, score or zone), so the candidate query walks
    (cell, dispatchable, -score, distance_m) and stops after the K it needs.

    Two more columns, outside this model, are kept by triggers (migration 0009): the services
    the pro offers and their working hours as seconds of the week. The walk filters on them
    inside the index scan, so pros who do not offer the service or do not work then are never
    probed row by row: at 100,000 pros that was most of the rows a 10-pro walk read. Every
    write of them takes the pro's zone-cell lock first (migration 0010). The bookings app
    keeps a third one the same way, the pro's coming busy periods (its migration 0008).
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
        # The walk's index, `zone_cell_walk` (cell, score DESC, distance_m, pro) WHERE
        # dispatchable, carrying the two filter columns, is migration 0009's (SQL).

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
