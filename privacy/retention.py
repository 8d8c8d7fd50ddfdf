"""Retention: personal data is deleted once its purpose is served (README "Personal data:
retention" gives each period and why; docs/privacy/register.md lists the processing).

- Pros' identity documents: `ID_DOCUMENT_RETENTION_DAYS` after support's review (verified or
  rejected), and every document of a pro at account closure (`delete_identity_documents`,
  called by privacy.erasure). The file goes from private storage and the row loses its
  personal fields (`original_name`); the row itself stays as the record that a review
  happened, when and by whom (`status`, `reviewed_at`, `reviewed_by`, `Pro.id_verified_at`),
  with `file_deleted_at` set.
- Documents never reviewed (`pending`): identity documents `PENDING_DOCUMENT_RETENTION_DAYS`
  after their upload (an abandoned application: the pro can upload again), and every pending
  document of a closed account (whatever closed it) at the next run.
- A blacklisted customer's closed account: its keyed e-mail/phone hashes
  (privacy.blacklist_carry_over) `PRIVACY_BLACKLIST_CARRY_OVER_DAYS` after the closure.
- Saved cards of closed accounts still attached at the payment provider (the closure's try on
  commit failed): detached again at each run (privacy.erasure_cards) until it goes through.
- Booking messages: `MESSAGE_RETENTION_DAYS` after the session's end; the original of a
  masked message (support's copy): `MASKED_ORIGINAL_RETENTION_DAYS` after it was sent;
  support conversations' messages: `SUPPORT_MESSAGE_RETENTION_DAYS` after they were written;
  the quote of a message in its notification goes after the same period as the message kind.
  A message named by a report is kept with the report (evidence of a dispute).

`apply_retention()` (the daily beat task, `manage.py apply_retention`) works in batches, each
in its own transaction, audited; `dry_run=True` only counts and lists. Files are deleted on
commit; a file whose deletion failed keeps its name on the row and the next run retries it.
Bookings, charges, payouts, the ledger and the timeline are not touched here (accounting: 10
years, privacy.erasure anonymises the people they name).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from core import clock
from core.audit import audit
from feedback.models import Message, Report, SupportMessage
from feedback.notifications import MESSAGE_NEW, SUPPORT_ANSWER
from notifications.models import Notification
from pros.models import Document, Pro
from pros.services import lock_pro

from .erasure_cards import card_detaches_pending, card_detaches_run
from .erasure_fields import CLOSED_EMAIL_DOMAIN
from .models import BlacklistCarryOver

logger = logging.getLogger(__name__)

# Listed in the audit row and the dry run's output, per kind of data, at most.
LISTED_IDS = 1000
RETENTION_SUBJECT = "privacy:retention"


@dataclass
class RetentionReport:
    """What a run deleted (or, dry, would delete): ids per kind of data."""

    dry_run: bool
    now: datetime
    id_documents: list[int] = field(default_factory=list)
    pending_documents: list[int] = field(default_factory=list)
    blacklist_carry_overs: list[int] = field(default_factory=list)
    card_detaches: list[int] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    masked_originals: list[int] = field(default_factory=list)
    support_messages: list[int] = field(default_factory=list)
    notification_quotes: list[int] = field(default_factory=list)
    files_retried: list[int] = field(default_factory=list)

    KINDS = (
        "id_documents",
        "pending_documents",
        "blacklist_carry_overs",
        "card_detaches",
        "messages",
        "masked_originals",
        "support_messages",
        "notification_quotes",
        "files_retried",
    )

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in self.KINDS}

    def audit_data(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "counts": self.counts,
            "ids": {kind: getattr(self, kind)[:LISTED_IDS] for kind in self.KINDS},
        }


# --- what is due ------------------------------------------------------------------------------


def _days(name: str) -> timedelta:
    return timedelta(days=getattr(settings, name))


def identity_documents_due(now: datetime) -> QuerySet[Document]:
    """ID documents reviewed (verified or rejected) more than ID_DOCUMENT_RETENTION_DAYS ago
    whose file is still there. Pending ones wait for their review."""
    return Document.objects.filter(
        kind=Document.Kind.ID,
        status__in=[Document.Status.VERIFIED, Document.Status.REJECTED],
        reviewed_at__lt=now - _days("ID_DOCUMENT_RETENTION_DAYS"),
        file_deleted_at__isnull=True,
    ).order_by("pk")


def pending_documents_due(now: datetime) -> QuerySet[Document]:
    """Documents nobody reviewed whose file is still there: identity documents uploaded more
    than PENDING_DOCUMENT_RETENTION_DAYS ago, and every kind for a closed account."""
    closed = Q(pro__user__email__endswith=f"@{CLOSED_EMAIL_DOMAIN}")
    stale_id = Q(
        kind=Document.Kind.ID, uploaded_at__lt=now - _days("PENDING_DOCUMENT_RETENTION_DAYS")
    )
    return Document.objects.filter(
        closed | stale_id, status=Document.Status.PENDING, file_deleted_at__isnull=True
    ).order_by("pk")


def blacklist_carry_overs_due(now: datetime) -> QuerySet[BlacklistCarryOver]:
    return BlacklistCarryOver.objects.filter(expires_at__lte=now).order_by("pk")


def document_files_to_retry() -> QuerySet[Document]:
    """Rows marked deleted whose file deletion did not go through (the name is kept for it)."""
    return Document.objects.filter(file_deleted_at__isnull=False).exclude(file="").order_by("pk")


def _not_reported() -> Q:
    return ~Q(Exists(Report.objects.filter(message=OuterRef("pk"))))


def messages_due(now: datetime) -> QuerySet[Message]:
    """Booking messages whose session ended more than MESSAGE_RETENTION_DAYS ago, unless a
    report names them."""
    return Message.objects.filter(
        _not_reported(), booking__end__lt=now - _days("MESSAGE_RETENTION_DAYS")
    ).order_by("pk")


def masked_originals_due(now: datetime) -> QuerySet[Message]:
    """Flagged messages (their original kept for support) sent more than
    MASKED_ORIGINAL_RETENTION_DAYS ago, unless a report names them."""
    return Message.objects.filter(
        _not_reported(),
        is_flagged=True,
        created_at__lt=now - _days("MASKED_ORIGINAL_RETENTION_DAYS"),
    ).order_by("pk")


def support_messages_due(now: datetime) -> QuerySet[SupportMessage]:
    return SupportMessage.objects.filter(
        created_at__lt=now - _days("SUPPORT_MESSAGE_RETENTION_DAYS")
    ).order_by("pk")


def notification_quotes_due(now: datetime) -> QuerySet[Notification]:
    """Notifications quoting a message (new message, support's answer) older than that kind of
    message's period: the quote goes, the notification stays."""
    messages = now - _days("MESSAGE_RETENTION_DAYS")
    support = now - _days("SUPPORT_MESSAGE_RETENTION_DAYS")
    return Notification.objects.filter(
        Q(kind=MESSAGE_NEW, created_at__lt=messages)
        | Q(kind=SUPPORT_ANSWER, created_at__lt=support),
        params__has_key="quote",
    ).order_by("pk")


def _drop_quotes(ids: list[int]) -> None:
    notifications = list(Notification.objects.filter(pk__in=ids).only("pk", "params"))
    for notification in notifications:
        notification.params.pop("quote", None)
    Notification.objects.bulk_update(notifications, ["params"])


# --- deleting ---------------------------------------------------------------------------------


def _delete_files_on_commit(documents: list[Document]) -> None:
    names = {document.pk: document.file.name for document in documents if document.file.name}
    if names:
        transaction.on_commit(lambda: delete_document_files(names))


def delete_document_files(names: dict[int, str]) -> list[int]:
    """Delete the files (after the rows committed) and forget their names on the rows. A file
    that cannot be deleted keeps its name, so the next run tries again. Returns the rows done."""
    storage = Document._meta.get_field("file").storage
    done = []
    for document_id, name in names.items():
        try:
            storage.delete(name)  # a missing file is no error
        except Exception:
            logger.exception("could not delete the file of document %s", document_id)
            continue
        done.append(document_id)
    Document.objects.filter(pk__in=done).update(file="")
    return done


def _erase_documents(documents: list[Document], now: datetime) -> None:
    """Mark the rows deleted and clear their personal fields; the files go on commit."""
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        file_deleted_at=now, original_name=""
    )
    _delete_files_on_commit(documents)


def delete_identity_documents(pro: Pro, reason: str, *, actor=None, kinds=None) -> int:
    """Delete a pro's documents now (account closure calls it; `kinds` None: every kind,
    identity document, diploma and certificate alike). The review record stays. Audited;
    files deleted on commit. Returns how many documents were deleted (0 when none was left)."""
    with transaction.atomic():
        pro = lock_pro(pro)
        documents = Document.objects.select_for_update().filter(
            pro=pro, file_deleted_at__isnull=True
        )
        if kinds is not None:
            documents = documents.filter(kind__in=list(kinds))
        documents = list(documents.order_by("pk"))
        if not documents:
            return 0
        _erase_documents(documents, clock.now())
        audit(
            action="privacy.documents_deleted",
            subject=pro,
            actor=actor,
            data={
                "reason": reason,
                "documents": [d.pk for d in documents],
                "kinds": sorted({d.kind for d in documents}),
            },
        )
    return len(documents)


def _delete_due_documents(
    due_now: QuerySet[Document], now: datetime, batch: int, found: list[int], reason: str
) -> None:
    last = 0
    while True:
        with transaction.atomic():
            due = due_now.filter(pk__gt=last)
            documents = list(due.select_for_update(skip_locked=True, of=("self",))[:batch])
            if not documents:
                return
            last = documents[-1].pk
            _erase_documents(documents, now)
            for pro_id in sorted({d.pro_id for d in documents}):
                audit(
                    action="privacy.documents_deleted",
                    subject=f"pros.pro:{pro_id}",
                    data={
                        "reason": reason,
                        "documents": [d.pk for d in documents if d.pro_id == pro_id],
                        "kinds": sorted({d.kind for d in documents if d.pro_id == pro_id}),
                    },
                )
        found.extend(d.pk for d in documents)


def _in_batches(queryset: QuerySet, batch: int, apply) -> list[int]:
    """Run `apply(ids)` on the queryset's rows, `batch` at a time, one transaction each, in key
    order from where the last batch stopped (one pass: rows kept, or locked by someone else,
    are not read again by every batch)."""
    done: list[int] = []
    last = 0
    while True:
        with transaction.atomic():
            locked = queryset.filter(pk__gt=last).select_for_update(skip_locked=True, of=("self",))
            ids = list(locked.values_list("pk", flat=True)[:batch])
            if not ids:
                return done
            apply(ids)
        done.extend(ids)
        last = ids[-1]


def apply_retention(*, dry_run: bool = False, now: datetime | None = None) -> RetentionReport:
    """Apply every retention period once (safe to run twice; the beat runs it daily)."""
    now = now or clock.now()
    report = RetentionReport(dry_run=dry_run, now=now)
    batch = settings.RETENTION_BATCH
    if dry_run:
        report.id_documents = list(identity_documents_due(now).values_list("pk", flat=True))
        report.messages = list(messages_due(now).values_list("pk", flat=True))
        report.masked_originals = list(
            masked_originals_due(now)
            .exclude(pk__in=messages_due(now).values("pk"))
            .values_list("pk", flat=True)
        )
        report.support_messages = list(support_messages_due(now).values_list("pk", flat=True))
        report.notification_quotes = list(notification_quotes_due(now).values_list("pk", flat=True))
        report.files_retried = list(document_files_to_retry().values_list("pk", flat=True))
        report.pending_documents = list(pending_documents_due(now).values_list("pk", flat=True))
        report.blacklist_carry_overs = list(
            blacklist_carry_overs_due(now).values_list("pk", flat=True)
        )
        report.card_detaches = list(card_detaches_pending().values_list("pk", flat=True))
        audit(
            action="privacy.retention_previewed",
            subject=RETENTION_SUBJECT,
            data=report.audit_data(),
        )
        return report

    retry = {d.pk: d.file.name for d in document_files_to_retry()}
    report.files_retried = delete_document_files(retry) if retry else []
    _delete_due_documents(identity_documents_due(now), now, batch, report.id_documents, "retention")
    _delete_due_documents(
        pending_documents_due(now), now, batch, report.pending_documents, "retention_pending"
    )
    report.blacklist_carry_overs = _in_batches(
        blacklist_carry_overs_due(now),
        batch,
        lambda ids: BlacklistCarryOver.objects.filter(pk__in=ids).delete(),
    )
    report.card_detaches = card_detaches_run(card_detaches_pending().values_list("pk", flat=True))
    report.messages = _in_batches(
        messages_due(now), batch, lambda ids: Message.objects.filter(pk__in=ids).delete()
    )
    report.masked_originals = _in_batches(
        masked_originals_due(now),
        batch,
        lambda ids: Message.objects.filter(pk__in=ids).update(original_body="", is_flagged=False),
    )
    report.support_messages = _in_batches(
        support_messages_due(now),
        batch,
        lambda ids: SupportMessage.objects.filter(pk__in=ids).delete(),
    )
    report.notification_quotes = _in_batches(notification_quotes_due(now), batch, _drop_quotes)
    if any(report.counts.values()):
        audit(
            action="privacy.retention_applied", subject=RETENTION_SUBJECT, data=report.audit_data()
        )
    logger.info("retention applied", extra={"retention": report.counts})
    return report


def retention_periods() -> dict[str, int]:
    """The periods in days, for the privacy notice (one source: the settings)."""
    return {
        "id_documents": settings.ID_DOCUMENT_RETENTION_DAYS,
        "pending_documents": settings.PENDING_DOCUMENT_RETENTION_DAYS,
        "blacklist_carry_overs": settings.PRIVACY_BLACKLIST_CARRY_OVER_DAYS,
        "messages": settings.MESSAGE_RETENTION_DAYS,
        "masked_originals": settings.MASKED_ORIGINAL_RETENTION_DAYS,
        "support_messages": settings.SUPPORT_MESSAGE_RETENTION_DAYS,
    }
