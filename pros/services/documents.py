"""A pro's documents: private upload, support's review, and the ID verification it decides."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import InvalidInput
from core.text import clean_text

from .. import notifications
from ..models import Document, Pro
from ..rules import check_document
from .status import lock_pro, pro_refresh_status


@transaction.atomic
def document_upload(*, pro: Pro, kind: str, uploaded_file, actor=None) -> Document:
    """Store a document privately after checking its size and its real type (sniffed bytes)."""
    if kind not in Document.Kind.values:
        raise InvalidInput(
            _("Unknown document type."), fields={"kind": [_("Unknown document type.")]}
        )
    content_type, extension = check_document(uploaded_file)
    pro = lock_pro(pro)
    document = Document(
        pro=pro,
        kind=kind,
        original_name=(getattr(uploaded_file, "name", "") or "document")[-200:],
        content_type=content_type,
        size_bytes=uploaded_file.size,
    )
    document.file.save(
        f"pro-{pro.pk}-{kind}-{secrets.token_hex(8)}.{extension}", uploaded_file, save=False
    )
    try:
        document.save()
        audit(
            action="document.uploaded",
            subject=document,
            actor=actor,
            data={"kind": kind, "pro": pro.pk},
        )
    except Exception:
        document.file.storage.delete(document.file.name)  # nothing half-written
        raise
    return document


def _refresh_id_verification(pro: Pro) -> None:
    """The pro's ID counts as verified from the first verified ID document's review."""
    verified = pro.documents.filter(
        kind=Document.Kind.ID, status=Document.Status.VERIFIED
    ).order_by("reviewed_at")
    first = verified.values_list("reviewed_at", flat=True).first()
    if first is None and pro.id_verified_at is not None:
        pro.id_verified_at = None
        pro.save(update_fields=["id_verified_at"])
    elif first is not None and pro.id_verified_at is None:
        pro.id_verified_at = first
        pro.save(update_fields=["id_verified_at"])


def _reviewer(by):
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def document_verify(*, document: Document, by) -> Document:
    pro = lock_pro(document.pro)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status == Document.Status.VERIFIED:
        return document
    if document.file_deleted_at is not None:  # retention (privacy/retention.py): nothing to see
        raise InvalidInput(
            _("Le fichier de ce document a été supprimé : le pro doit en envoyer un nouveau.")
        )
    previous = document.status
    document.status = Document.Status.VERIFIED
    document.rejection_reason = ""
    document.reviewed_at = timezone.now()
    document.reviewed_by = _reviewer(by)
    document.save(update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by"])
    audit(
        action="document.verified",
        subject=document,
        actor=by,
        data={"from": previous, "kind": document.kind, "pro": pro.pk},
    )
    was_verified = pro.id_verified_at is not None
    _refresh_id_verification(pro)
    pro = pro_refresh_status(pro=pro, actor=by)
    if not was_verified and pro.id_verified_at is not None:
        notifications.tell_pro_id_verified(pro)
    return document


@transaction.atomic
def document_reject(*, document: Document, by, reason: str) -> Document:
    reason = clean_text(reason, field="reason")
    if not reason:
        raise InvalidInput(
            _("Say why the document is rejected."), fields={"reason": [_("Required.")]}
        )
    pro = lock_pro(document.pro)
    document = Document.objects.select_for_update().get(pk=document.pk)
    previous = document.status
    document.status = Document.Status.REJECTED
    document.rejection_reason = reason
    document.reviewed_at = timezone.now()
    document.reviewed_by = _reviewer(by)
    document.save(update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by"])
    audit(
        action="document.rejected",
        subject=document,
        actor=by,
        data={"from": previous, "kind": document.kind, "pro": pro.pk, "reason": reason},
    )
    _refresh_id_verification(pro)
    pro_refresh_status(pro=pro, actor=by)
    if previous != Document.Status.REJECTED:
        notifications.tell_pro_document_refused(document)
    return document
