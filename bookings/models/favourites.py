"""A customer's favourite pros."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.labels import person_label


class Favorite(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="favorites",
        verbose_name=_("client"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.CASCADE, related_name="favorited_by", verbose_name=_("pro")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("ajouté le"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("favourite pro")
        verbose_name_plural = _("favourite pros")
        constraints = [models.UniqueConstraint(fields=["customer", "pro"], name="favorite_once")]

    def __str__(self):
        return f"{person_label(self.customer.user)} → {self.pro}"
