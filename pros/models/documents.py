"""The documents a pro uploads (kept in private storage)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pros import Pro
from .storage import private_storage


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
