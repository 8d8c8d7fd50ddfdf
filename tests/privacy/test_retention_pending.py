"""Documents nobody reviewed do not stay forever: an identity document still pending
PENDING_DOCUMENT_RETENTION_DAYS after its upload (an abandoned application), and every pending
document of a closed account, lose their file at the next retention run (dry run lists them)."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.management import call_command

from core.models import AuditEvent
from pros.models import Document
from tests.factories import ProFactory
from tests.privacy.test_retention import NOW, _stored, _upload

pytestmark = pytest.mark.django_db


def _uploaded(pro, *, days_ago, kind="id"):
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        return _upload(pro, kind)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(*args):
        out = StringIO()
        with time_machine.travel(NOW, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("apply_retention", *args, stdout=out)
        return out.getvalue()

    return go


def test_pending_documents_of_abandoned_applications_and_closed_accounts_go(run, settings):
    settings.PENDING_DOCUMENT_RETENTION_DAYS = 90
    applicant = ProFactory()
    abandoned = _uploaded(applicant, days_ago=91)
    recent = _uploaded(applicant, days_ago=89)
    old_diploma = _uploaded(applicant, days_ago=200, kind="diploma")  # not an ID: kept
    closed_pro = ProFactory()
    closed_diploma = _uploaded(closed_pro, days_ago=1, kind="diploma")
    # A closed account whose documents the closure did not delete (closed before that rule).
    closed_pro.user.email = f"closed-{closed_pro.user.pk}@closed.invalid"
    closed_pro.user.is_active = False
    closed_pro.user.save()

    preview = run("--dry-run")
    assert "documents never reviewed (abandoned or closed account; file deleted): 2" in preview
    assert all(_stored(d) for d in (abandoned, closed_diploma))

    output = run()
    assert "documents never reviewed (abandoned or closed account; file deleted): 2" in output
    for gone in (abandoned, closed_diploma):
        name = gone.file.name
        gone.refresh_from_db()
        assert gone.file_deleted_at == NOW and gone.original_name == ""
        assert gone.status == Document.Status.PENDING
        assert not storages["private"].exists(name)
    for kept in (recent, old_diploma):
        kept.refresh_from_db()
        assert kept.file_deleted_at is None and _stored(kept)
    reasons = set(
        AuditEvent.objects.filter(action="privacy.documents_deleted").values_list(
            "data__reason", flat=True
        )
    )
    assert reasons == {"retention_pending"}
    assert "file deleted): 0" in run()  # nothing left
