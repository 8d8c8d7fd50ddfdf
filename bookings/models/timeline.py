"""The request's timeline (one BookingEvent per line; the kinds are in bookings/events.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import datefmt

from .bookings import Booking
from .requests import BookingRequest


class BookingEvent(models.Model):
    """One line of a booking request's timeline: who did what, when, with what data."""

    request = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("demande")
    )
    booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("réservation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(max_length=40, verbose_name=_("événement"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("données"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_timeline")]

    def __str__(self):
        return f"{datefmt.stamp(self.created_at)} {self.kind}"
