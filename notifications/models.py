from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.i18n import language_of

from . import kinds


class Notification(models.Model):
    """One in-app message to a user (pro or customer); e-mailed and pushed too by notify().

    Stored as its kind and parameters, rendered when shown (kinds.py) in the reader's language
    of that moment: `title` and `body` are computed, never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("utilisateur"),
    )
    kind = models.CharField(_("type"), max_length=64)
    # What the renderer of `kind` needs, plain JSON (ids, ISO datetimes, cents, names per
    # language); `{"legacy": {"title", "body"}}` for rows recorded as text before.
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    url = models.CharField(_("lien"), max_length=300, blank=True)
    # Ids of what the notification is about (the live events and queries use them).
    data = models.JSONField(_("données"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    # Web push: past this moment the message is moot (a proposal's answer time) and is not
    # delivered any more, nor counted unread; urgent ones are pushed with `Urgency: high`.
    expires_at = models.DateTimeField(_("caduque après"), null=True, blank=True)
    urgent = models.BooleanField(_("urgente"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_recent"),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notif_user_unread"
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.kind} -> {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def rendered(self, language: str | None = None) -> kinds.Rendered:
        """Title and body in `language` (default: the active one), cached on the instance."""
        language = language or get_language()
        cache = self.__dict__.setdefault("_rendered", {})
        if language not in cache:
            with translation.override(language):
                cache[language] = kinds.render(self.kind, self.params)
        return cache[language]

    def rendered_for_reader(self) -> kinds.Rendered:
        """In the language the user uses now (e-mails, pushes)."""
        return self.rendered(language_of(self.user))

    @property
    def title(self) -> str:
        return self.rendered().title

    @property
    def body(self) -> str:
        return self.rendered().body


class PushSubscription(models.Model):
    """One device (browser) of a user that receives web pushes: what its push service gave the
    browser (PushSubscription.toJSON()). Deleted when the push service answers 404/410."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    # The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="push_user_recent")]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return f"push {self.pk} -> {self.user_id}"

    @property
    def label(self) -> str:
        """ "Chrome · Android": enough for a pro to tell their devices apart."""
        agent = self.user_agent
        browser = next((name for token, name in _BROWSERS if token in agent), str(_("Browser")))
        system = next((name for token, name in _SYSTEMS if token in agent), "")
        return f"{browser} · {system}" if system else browser


# (User-Agent token, name), first match wins (Edge and Opera also say Chrome; Chrome says Safari).
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Mac OS X", "macOS"),
    ("Windows", "Windows"),
    ("Linux", "Linux"),
]


class CalendarFeed(models.Model):
    """A user's private calendar feed: its URL carries this token, the only key to it (calendar
    apps cannot log in). Resetting it gives a new token; the old URL stops working at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"calendar feed of {self.user_id}"
