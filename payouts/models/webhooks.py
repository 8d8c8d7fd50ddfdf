"""Provider events (stored once by id), and the fake gateway's own state."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.Model):
    """A provider event, stored once by its id; the payload is only a trigger: processing
    re-reads the object through the gateway."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (type not handled)")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(
        max_length=80, unique=True, verbose_name=_("identifiant de l'événement")
    )
    type = models.CharField(max_length=80, verbose_name=_("type"))
    account = models.CharField(
        max_length=64, blank=True, verbose_name=_("compte")
    )  # set for Connect events
    object_id = models.CharField(
        max_length=80, blank=True, verbose_name=_("identifiant de l'objet")
    )
    livemode = models.BooleanField(default=False, verbose_name=_("mode réel"))
    payload = models.JSONField(verbose_name=_("contenu"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED, verbose_name=_("statut")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pris en charge le"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("tentatives"))
    error = models.TextField(blank=True, verbose_name=_("erreur"))
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("reçu le"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("traité le"))

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="webhook_unprocessed",
                condition=models.Q(status__in=["received", "processing"]),
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class FakeGatewayObject(models.Model):
    """The fake gateway's own state (what Stripe would keep): payment intents, accounts,
    transfers, payouts, by id and by idempotency key, so that every process sees the same."""

    object_id = models.CharField(
        max_length=80, unique=True, verbose_name=_("identifiant de l'objet")
    )
    idempotency_key = models.CharField(
        max_length=120, unique=True, null=True, blank=True, verbose_name=_("clé d'idempotence")
    )
    kind = models.CharField(max_length=20, verbose_name=_("type"))
    data = models.JSONField(default=dict, verbose_name=_("données"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        verbose_name = _("fake gateway object")
        verbose_name_plural = _("fake gateway objects")

    def __str__(self):
        return self.object_id
