"""A person's copy of their data: asked for (API or pro settings), built by a task on commit,
e-mailed as a link that expires, downloaded with that link, deleted once expired.

- asking again while an export is being prepared returns that one (nothing new is built);
  a new one is refused for PRIVACY_EXPORT_MIN_INTERVAL_HOURS after the last one
  (429 `export_too_soon`): building reads everything the person has, so it is throttled
  per account, not per address;
- the link carries a signed token (`django.core.signing`, salt below) naming the export and
  its random nonce; it works PRIVACY_EXPORT_LINK_HOURS after the file is ready, then the
  answer is 410 and a beat task deletes the file;
- the link alone opens the file (customers have no web session), unless someone else is
  signed in on that browser: then it is a 404, like an unknown link.
"""

import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.audit import audit
from core.errors import DomainError, NotFound
from core.i18n import language_of

from .export_data import personal_data
from .models import DataExport

logger = logging.getLogger(__name__)

TOKEN_SALT = "privacy.data_export"
PURGE_BATCH = 200


class ExportTooSoon(DomainError):
    status = 429
    code = "export_too_soon"
    default_message = _(
        "Vous avez déjà demandé une copie de vos données récemment. Réessayez plus tard."
    )


class ExportLinkExpired(DomainError):
    status = 410
    code = "export_link_expired"
    default_message = _("Ce lien a expiré. Demandez une nouvelle copie de vos données.")


def link_hours() -> int:
    return settings.PRIVACY_EXPORT_LINK_HOURS


def _min_interval() -> timedelta:
    return timedelta(hours=settings.PRIVACY_EXPORT_MIN_INTERVAL_HOURS)


# --- asking ------------------------------------------------------------------------------------


def data_export_request(*, user) -> DataExport:
    """Ask for a copy of `user`'s data. Returns the export being prepared (the same one on a
    retry); the file is built by a task once this commits."""
    from .tasks import build_data_export  # the task calls back into this module

    with transaction.atomic():
        # One request at a time per person: the user row is the lock.
        get_user_model().objects.select_for_update().get(pk=user.pk)
        now = clock.now()
        last = DataExport.objects.filter(user=user).order_by("-requested_at", "-pk").first()
        if last is not None and last.status == DataExport.Status.PENDING:
            return last
        if last is not None and now - last.requested_at < _min_interval():
            raise ExportTooSoon()
        export = DataExport.objects.create(
            user=user, nonce=secrets.token_urlsafe(16), requested_at=now
        )
        audit(
            action="privacy.export_requested", subject=user, actor=user, data={"export": export.pk}
        )
        export_id = export.pk
        transaction.on_commit(lambda: build_data_export.delay(export_id))
    return export


def next_export_allowed_at(*, user):
    """When this person may ask again (None: now). For the pro page."""
    last = DataExport.objects.filter(user=user).order_by("-requested_at", "-pk").first()
    if last is None or last.status == DataExport.Status.PENDING:
        return None
    allowed = last.requested_at + _min_interval()
    return allowed if allowed > clock.now() else None


def latest_export(*, user) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-pk").first()


# --- building (the task) ----------------------------------------------------------------------


def data_export_build(*, export_id: int) -> DataExport | None:
    """Write the JSON file and e-mail the link. Safe to run twice (a ready export is left as
    it is); an account closed meanwhile gets nothing."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != DataExport.Status.PENDING:
            return export
        user = export.user
        if not user.is_active:
            export.status = DataExport.Status.FAILED
            export.save(update_fields=["status"])
            return export
        content = json.dumps(
            personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        ).encode()
        now = clock.now()
        export.file.save(
            f"export-{export.pk}-{export.nonce}.json", ContentFile(content), save=False
        )
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + timedelta(hours=link_hours())
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        audit(
            action="privacy.export_ready",
            subject=user,
            data={"export": export.pk, "bytes": len(content)},
        )
        ready = export
        transaction.on_commit(lambda: _send_link(ready))
    return export


def download_token(export: DataExport) -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(f"{export.pk}.{export.nonce}")


def download_url(export: DataExport) -> str:
    path = reverse("privacy:export_download", kwargs={"token": download_token(export)})
    return f"{settings.SITE_URL}{path}"


def _send_link(export: DataExport) -> None:
    user = export.user
    with translation.override(language_of(user)):
        subject = gettext("Votre copie de vos données Wecasa")
        message = gettext(
            "Bonjour,\n\nVous avez demandé une copie de vos données personnelles. Elle est prête"
            " (un fichier JSON) :\n\n%(link)s\n\nCe lien fonctionne pendant %(hours)s heures."
            " Si vous n'avez rien demandé, écrivez au support."
        ) % {"link": download_url(export), "hours": link_hours()}
    try:
        send_mail(
            subject=subject,
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    except Exception:  # the file stays; support can resend by asking the person to retry
        logger.exception("data export e-mail failed for export %s", export.pk)


# --- downloading ---------------------------------------------------------------------------------


def data_export_open(*, token: str, viewer) -> DataExport:
    """The export a download link opens, for `viewer` (the request's user, maybe anonymous).
    Unknown, tampered or someone else's: NotFound; past its time: ExportLinkExpired."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        value = signer.unsign(token, max_age=timedelta(hours=link_hours()))
    except signing.SignatureExpired as exc:
        raise ExportLinkExpired() from exc
    except signing.BadSignature as exc:
        raise NotFound() from exc
    pk, _dot, nonce = value.partition(".")
    export = DataExport.objects.filter(pk=int(pk) if pk.isdigit() else 0).first()
    if export is None or not secrets.compare_digest(export.nonce, nonce):
        raise NotFound()
    if getattr(viewer, "is_authenticated", False) and viewer.pk != export.user_id:
        raise NotFound()
    now = clock.now()
    if export.status != DataExport.Status.READY or export.expires_at <= now:
        raise ExportLinkExpired()
    if export.downloaded_at is None:
        DataExport.objects.filter(pk=export.pk, downloaded_at__isnull=True).update(
            downloaded_at=now
        )
    return export


# --- after the link's time ---------------------------------------------------------------------


def data_exports_purge_expired(*, now=None, limit: int = PURGE_BATCH) -> int:
    """Delete the files of expired exports (and of exports whose account was closed); the rows
    stay as the record of the request. Returns how many were purged."""
    now = now or clock.now()
    purged = 0
    with transaction.atomic():
        exports = list(
            DataExport.objects.select_for_update(skip_locked=True)
            .filter(status=DataExport.Status.READY, expires_at__lte=now)
            .order_by("pk")[:limit]
        )
        for export in exports:
            _expire(export)
            purged += 1
    return purged


def _expire(export: DataExport) -> None:
    name = export.file.name
    export.status = DataExport.Status.EXPIRED
    export.file = ""
    export.save(update_fields=["status", "file"])
    if name:
        storage = DataExport._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


def data_exports_expire_for(*, user) -> int:
    """At account closure: every export of this person stops working and its file goes."""
    count = 0
    for export in DataExport.objects.select_for_update().filter(
        user=user, status__in=[DataExport.Status.READY, DataExport.Status.PENDING]
    ):
        _expire(export)
        count += 1
    return count
