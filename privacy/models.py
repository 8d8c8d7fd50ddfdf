"""A person's copy of their data (GDPR art. 15/20): one row per export asked for.

The JSON file lives in private storage (never under MEDIA_URL); the e-mailed link carries a
signed token (privacy.export_links) naming this row and its `nonce`, and stops working at
`expires_at` (410) — a beat task then deletes the file. Rows stay (who asked, when) as the
record that the request was answered.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pros.models import private_storage


class DataExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        EXPIRED = "expired", _("Expiré")
        FAILED = "failed", _("Échec")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Random part of the download token: a new export never reopens an old link.
    nonce = models.CharField(max_length=32)
    file = models.FileField(storage=private_storage, upload_to="exports/%Y/%m/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    # The link stops working at this moment (PRIVACY_EXPORT_LINK_HOURS after ready_at).
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("export de données")
        verbose_name_plural = _("exports de données")

    def __str__(self):
        return f"export #{self.pk} user #{self.user_id} ({self.status})"
