"""Retention: ID documents past their period are gone from storage and database (the review
record stays), old messages are purged (reported ones kept), the beat task and
`manage.py apply_retention [--dry-run]` apply it, audited."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from catalog.models import Service
from core.clock import PARIS
from core.models import AuditEvent
from feedback.models import Message, Report, SupportConversation, SupportMessage
from notifications.models import Notification
from privacy import tasks
from privacy.retention import apply_retention, delete_identity_documents
from pros import services as pro_services
from pros.models import Document
from tests.factories import MINIMAL_PDF, ProFactory, booking_customer, booking_row

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=PARIS)


def _upload(pro, kind="id"):
    return pro_services.document_upload(
        pro=pro,
        kind=kind,
        uploaded_file=SimpleUploadedFile(
            "passeport-jean-dupont.pdf", MINIMAL_PDF, "application/pdf"
        ),
    )


def _reviewed(pro, *, days_ago, kind="id", verdict="verify"):
    """A document uploaded and reviewed `days_ago` days before NOW, through the services."""
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        document = _upload(pro, kind)
        if verdict == "verify":
            return pro_services.document_verify(document=document, by=None)
        return pro_services.document_reject(document=document, by=None, reason="Illisible")


def _stored(document) -> bool:
    return storages["private"].exists(document.file.name)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """apply_retention at NOW, its on-commit file deletions executed."""

    def go(**kwargs):
        with time_machine.travel(NOW, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return apply_retention(**kwargs)

    return go


def test_identity_documents_past_their_period_are_gone_from_storage_and_database(run, settings):
    settings.ID_DOCUMENT_RETENTION_DAYS = 7
    settings.PENDING_DOCUMENT_RETENTION_DAYS = 365  # pending ones: test_retention_pending.py
    pro = ProFactory()  # onboarding: the first verified ID sets id_verified_at
    verified = _reviewed(pro, days_ago=8)
    rejected = _reviewed(pro, days_ago=8, verdict="reject")
    recent = _reviewed(pro, days_ago=6)
    diploma = _reviewed(pro, days_ago=30, kind="diploma")
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        pending = _upload(pro)
    pro.refresh_from_db()
    verified_at = pro.id_verified_at
    assert verified_at == NOW - timedelta(days=8) and all(
        _stored(d) for d in (verified, rejected, recent, diploma, pending)
    )

    report = run()

    assert sorted(report.id_documents) == sorted([verified.pk, rejected.pk])
    for document in (verified, rejected):
        name = document.file.name
        document.refresh_from_db()
        assert not storages["private"].exists(name)
        assert document.file.name == "" and document.original_name == ""
        assert document.file_deleted_at == NOW
        assert document.reviewed_at is not None  # the review record stays
    verified.refresh_from_db()
    assert verified.status == Document.Status.VERIFIED
    for kept in (recent, diploma, pending):
        kept.refresh_from_db()
        assert _stored(kept) and kept.file_deleted_at is None
    pro.refresh_from_db()
    assert pro.id_verified_at == verified_at and pro.is_id_verified

    # A later review of another document does not forget the verification.
    pro_services.document_reject(document=diploma, by=None, reason="Flou")
    pro.refresh_from_db()
    assert pro.id_verified_at == verified_at

    audited = AuditEvent.objects.get(action="privacy.documents_deleted")
    assert audited.subject == f"pros.pro:{pro.pk}"
    assert sorted(audited.data["documents"]) == sorted([verified.pk, rejected.pk])
    applied = AuditEvent.objects.get(action="privacy.retention_applied")
    assert applied.data["counts"]["id_documents"] == 2

    assert run().counts == dict.fromkeys(report.KINDS, 0)  # safe to run twice


def test_a_deleted_document_is_a_404_for_its_pro_and_says_so_in_settings(run, client):
    pro = ProFactory(bare_active=True)
    document = _reviewed(pro, days_ago=30)
    run()
    client.force_login(pro.user)
    assert client.get(f"/pro/documents/{document.pk}/file").status_code == 404
    page = client.get("/pro/settings/documents").content.decode()
    assert "Fichier supprimé le" in page and "passeport-jean-dupont" not in page


def test_account_closure_deletes_every_document_at_once(django_capture_on_commit_callbacks):
    pro = ProFactory(bare_active=True)
    identity = _reviewed(pro, days_ago=1)
    diploma = _reviewed(pro, days_ago=1, kind="diploma")
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_identity_documents(pro, "account_closed") == 2
    for document in (identity, diploma):
        name = document.file.name
        document.refresh_from_db()
        assert document.file_deleted_at is not None and not storages["private"].exists(name)
    audited = AuditEvent.objects.get(action="privacy.documents_deleted")
    assert audited.data["reason"] == "account_closed"
    assert delete_identity_documents(pro, "account_closed") == 0


def test_a_file_that_could_not_be_deleted_is_retried_by_the_next_run(run, monkeypatch):
    pro = ProFactory(bare_active=True)
    document = _reviewed(pro, days_ago=30)
    storage_class = type(storages["private"])
    real_delete = storage_class.delete

    def broken(self, name):
        raise OSError("disk unavailable")

    monkeypatch.setattr(storage_class, "delete", broken)
    assert run().id_documents == [document.pk]
    document.refresh_from_db()
    assert document.file_deleted_at is not None and _stored(document)  # name kept to retry

    monkeypatch.setattr(storage_class, "delete", real_delete)
    name = document.file.name
    assert run().files_retried == [document.pk]
    document.refresh_from_db()
    assert document.file.name == "" and not storages["private"].exists(name)


# --- messages ------------------------------------------------------------------------------


@pytest.fixture
def conversation_world():
    service = Service.objects.get(slug="menage-2h")
    customer, address = booking_customer()
    pro = ProFactory(bare_active=True)

    def booking(ended_days_ago):
        start = NOW - timedelta(days=ended_days_ago, hours=2)
        return booking_row(
            pro=pro, customer=customer, address=address, service=service, start=start
        )

    def message(booking, *, days_ago=400, **fields):
        return Message.objects.create(
            booking=booking,
            sender=customer.user,
            sender_side="customer",
            body=fields.pop("body", "Bonjour, le code est 1234"),
            created_at=NOW - timedelta(days=days_ago),
            **fields,
        )

    return customer, pro, booking, message


def test_messages_are_purged_after_their_period_and_reported_ones_kept(
    run, settings, conversation_world
):
    settings.MESSAGE_RETENTION_DAYS = 395
    settings.MASKED_ORIGINAL_RETENTION_DAYS = 30
    customer, pro, booking, message = conversation_world
    old, recent = booking(ended_days_ago=396), booking(ended_days_ago=394)
    old_message = message(old)
    reported = message(old)
    Report.objects.create(
        reporter=pro.user,
        reporter_side="pro",
        kind="message",
        object_key=f"message:{reported.pk}",
        message=reported,
        reported_customer=customer,
    )
    kept = message(recent)
    masked_kw = {"body": "Appelez [☎ •••]", "original_body": "Appelez 06 12 34 56 78"}
    masked_old = message(recent, days_ago=31, masked=["phone"], is_flagged=True, **masked_kw)
    masked_new = message(recent, days_ago=29, masked=["phone"], is_flagged=True, **masked_kw)

    report = run()

    assert report.messages == [old_message.pk]
    assert report.masked_originals == [masked_old.pk]
    assert set(Message.objects.values_list("pk", flat=True)) == {
        reported.pk,
        kept.pk,
        masked_old.pk,
        masked_new.pk,
    }
    masked_old.refresh_from_db()
    assert masked_old.original_body == "" and not masked_old.is_flagged
    assert masked_old.body == "Appelez [☎ •••]" and masked_old.masked == ["phone"]
    masked_new.refresh_from_db()
    assert masked_new.original_body and masked_new.is_flagged


def test_support_messages_and_quotes_in_notifications_are_purged(run, settings):
    settings.SUPPORT_MESSAGE_RETENTION_DAYS = 1095
    settings.MESSAGE_RETENTION_DAYS = 395
    pro = ProFactory(bare_active=True)
    conversation = SupportConversation.objects.create(user=pro.user)
    old = SupportMessage.objects.create(
        conversation=conversation,
        author=pro.user,
        body="Mon IBAN ?",
        created_at=NOW - timedelta(days=1096),
    )
    recent = SupportMessage.objects.create(
        conversation=conversation,
        author=pro.user,
        body="Merci",
        created_at=NOW - timedelta(days=10),
    )
    quoted = Notification.objects.create(
        user=pro.user,
        kind="message_new",
        params={"name": "Marie", "quote": "Bonjour"},
        created_at=NOW - timedelta(days=400),
    )
    fresh = Notification.objects.create(
        user=pro.user,
        kind="message_new",
        params={"name": "Marie", "quote": "Salut"},
        created_at=NOW - timedelta(days=3),
    )

    report = run()

    assert report.support_messages == [old.pk]
    assert list(SupportMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert report.notification_quotes == [quoted.pk]
    quoted.refresh_from_db()
    fresh.refresh_from_db()
    assert quoted.params == {"name": "Marie"} and fresh.params["quote"] == "Salut"


# --- the command and the beat task -----------------------------------------------------------


def test_dry_run_prints_counts_and_ids_deletes_nothing_and_is_audited(conversation_world):
    _customer, pro, booking, message = conversation_world
    document = _reviewed(pro, days_ago=30)
    old_message = message(booking(ended_days_ago=500))
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "would delete" in text
    assert "identity documents (file deleted, review record kept): 1" in text
    assert f"ids: {document.pk}" in text
    assert "booking messages deleted: 1" in text and f"ids: {old_message.pk}" in text
    document.refresh_from_db()
    assert document.file_deleted_at is None and _stored(document)
    assert Message.objects.filter(pk=old_message.pk).exists()
    previewed = AuditEvent.objects.get(action="privacy.retention_previewed")
    assert previewed.data["ids"]["id_documents"] == [document.pk]
    assert not AuditEvent.objects.filter(action="privacy.retention_applied").exists()


def test_the_command_deletes_with_now_given(django_capture_on_commit_callbacks):
    pro = ProFactory(bare_active=True)
    document = _reviewed(pro, days_ago=8)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--now", NOW.isoformat(), stdout=out)
    assert "deleted" in out.getvalue() and f"ids: {document.pk}" in out.getvalue()
    document.refresh_from_db()
    assert document.file_deleted_at == NOW


def test_the_command_refuses_a_naive_now():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("apply_retention", "--now", "2026-06-10T09:00:00", stdout=StringIO())


def test_the_beat_runs_the_task_daily_and_the_task_applies_the_policy(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]
    assert entry["task"] == tasks.apply_retention.name == "privacy.tasks.apply_retention"
    pro = ProFactory(bare_active=True)
    document = _reviewed(pro, days_ago=8)
    with time_machine.travel(NOW, tick=False):
        counts = tasks.apply_retention()
    assert counts["id_documents"] == 1
    document.refresh_from_db()
    assert document.file_deleted_at == NOW


def test_small_batches_go_through_everything_once(run, settings, conversation_world):
    settings.RETENTION_BATCH = 1
    _customer, pro, booking, message = conversation_world
    old = booking(ended_days_ago=500)
    messages = [message(old) for _ in range(3)]
    documents = [_reviewed(pro, days_ago=30) for _ in range(3)]
    report = run()
    assert report.messages == [m.pk for m in messages]
    assert report.id_documents == [d.pk for d in documents]
    assert not Message.objects.exists()
    assert AuditEvent.objects.filter(action="privacy.documents_deleted").count() == 3


def test_a_document_whose_file_was_deleted_cannot_be_verified_afterwards(run):
    from core.errors import InvalidInput

    pro = ProFactory()
    rejected = _reviewed(pro, days_ago=30, verdict="reject")
    run()
    with pytest.raises(InvalidInput):
        pro_services.document_verify(document=rejected, by=None)
    pro.refresh_from_db()
    assert pro.id_verified_at is None
