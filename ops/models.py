"""Ops owns no data: the vital signs are read from the domain apps' indexed columns and from the
counters in Redis (core/metrics.py). This model only carries the permission support needs to
open the "today" page (no table)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VitalSigns(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_vital_signs", _("Peut voir les signes vitaux (page « aujourd'hui »)"))
        ]
        verbose_name = _("signes vitaux")
        verbose_name_plural = _("signes vitaux")

    def __str__(self):
        return str(self._meta.verbose_name)
