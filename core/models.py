from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import datefmt


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """One person; may be a customer (customers.Customer) and a pro (pros.Pro) at once."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Language for messages sent to this person (last one they used; empty: the default).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Login lock-outs are django-axes' records (per e-mail and address): see core.doors.

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(models.functions.Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        # API tokens die with the password that obtained them and with the account: whatever
        # changes them (reset link, admin password form, changepassword, admin deactivation).
        existing = not self._state.adding
        password_changed = existing and self._password is not None  # set_password() not saved
        deactivated = (
            existing
            and not self.is_active
            and type(self).objects.filter(pk=self.pk, is_active=True).exists()
        )
        super().save(*args, **kwargs)
        if password_changed or deactivated:
            from .services import auth_tokens_revoke_all  # services import this module

            auth_tokens_revoke_all(
                user=self, reason="deactivated" if deactivated else "password_changed"
            )

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email


class AuditEvent(models.Model):
    """Audit row for every transition outside bookings (bookings have BookingEvent)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    action = models.CharField(max_length=64, db_index=True, verbose_name=_("action"))
    # What the event is about, as "app_label.model:pk" (a string so core imports no other app).
    subject = models.CharField(max_length=128, db_index=True, verbose_name=_("objet"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("données"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{datefmt.stamp(self.created_at)} {self.action} {self.subject}"


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` an API client sent with a POST (core.idempotency): the request's
    fingerprint and, once it succeeded, the answer to replay to a retry. Unique per user and
    key, so two concurrent requests with one key cannot both run."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    key = models.CharField(max_length=255, verbose_name=_("clé"))
    # sha256 of the method, the path and the body: "the same request".
    fingerprint = models.CharField(max_length=64, verbose_name=_("empreinte"))
    # The answer, once the first request succeeded; empty while it runs.
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("code HTTP")
    )
    content_type = models.CharField(max_length=100, blank=True, verbose_name=_("type de contenu"))
    body = models.TextField(blank=True, verbose_name=_("texte"))
    # While it runs: a retry before this moment hears 409; after it, the request is taken as
    # lost (a killed worker) and the retry runs instead.
    locked_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("verrouillé jusqu'au")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))
    # After this the key is forgotten (IDEMPOTENCY_KEY_TTL); a beat task deletes the row.
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expire le"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
