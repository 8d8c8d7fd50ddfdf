"""The proposals the dispatch engine sends and the pros' counter-offers."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import datefmt

from .requests import BookingRequest


class Proposal(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", pgettext_lazy("proposal status", "Sent")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("No longer available")
        COUNTERED = "countered", _("Other time proposed")

    request = models.ForeignKey(
        BookingRequest,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("demande"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("pro")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SENT, verbose_name=_("statut")
    )
    # Sent by support outside the pro's settings; does not count for score or fairness.
    is_bonus = models.BooleanField(default=False, verbose_name=_("proposition bonus"))
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("envoyée le"))
    expires_at = models.DateTimeField(verbose_name=_("expire le"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("répondue le"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["request", "pro"], name="proposal_once_per_pro"),
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="accepted"),
                name="proposal_one_accepted_per_request",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], name="proposal_due", condition=models.Q(status="sent")
            ),
            models.Index(
                fields=["pro", "expires_at"],
                name="proposal_open_for_pro",
                condition=models.Q(status="sent"),
            ),
            # Fairness: proposals a pro received in the last days.
            models.Index(
                fields=["pro", "sent_at"],
                name="proposal_pro_recent",
                condition=models.Q(is_bonus=False),
            ),
        ]

    def __str__(self):
        return f"{self.request} → {self.pro} ({self.get_status_display()})"


class CounterOffer(models.Model):
    """A pro's "another time" answer; the customer accepts or declines it while dispatch goes on."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the customer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        LAPSED = "lapsed", _("Lapsed")

    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.CASCADE,
        related_name="counter_offer",
        verbose_name=_("proposition"),
    )
    request = models.ForeignKey(
        BookingRequest,
        on_delete=models.CASCADE,
        related_name="counter_offers",
        verbose_name=_("demande"),
    )
    pro = models.ForeignKey(
        "pros.Pro", on_delete=models.CASCADE, related_name="counter_offers", verbose_name=_("pro")
    )
    start = models.DateTimeField(verbose_name=_("nouveau début"))
    end = models.DateTimeField(verbose_name=_("nouvelle fin"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("statut")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("proposée le"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("répondue le"))

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("counter-offer")
        verbose_name_plural = _("counter-offers")
        indexes = [
            models.Index(fields=["request"], name="counter_open", condition=models.Q(status="open"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="counter_end_after_start"
            ),
        ]

    def __str__(self):
        when = datefmt.short_when(self.start)
        return f"{self.pro} : {when} ({self.get_status_display()})"
