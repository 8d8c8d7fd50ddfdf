"""A pro inviting another pro."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pros import Pro


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
