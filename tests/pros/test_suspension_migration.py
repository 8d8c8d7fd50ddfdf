"""pros.0002: suspension stored once. Existing rows are converted, the moment is kept."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("pros", "0001_initial"), ("core", "0003_user_language")]
AFTER = [("pros", "0002_suspension_stored_once")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Leave the schema as every other test expects it (all migrations applied)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_suspended_by_either_field_stay_suspended_and_keep_their_moment(back_to_latest):
    old = _migrate(BEFORE)
    User, Pro = old.get_model("core", "User"), old.get_model("pros", "Pro")
    ZoneCell = old.get_model("pros", "ZoneCell")
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

    def pro(n, **fields):
        user = User.objects.create(email=f"p{n}@example.com", password="!")
        return Pro.objects.create(
            user=user, slug=f"p{n}", referral_code=f"R{n}", terms_accepted_at=moment, **fields
        )

    column_only = pro(1, status="active", suspended_at=moment, suspension_reason="Fraude")
    ZoneCell.objects.create(pro=column_only, cell=1, distance_m=0, dispatchable=True)
    status_only = pro(2, status="suspended", suspension_reason="Plainte")
    working = pro(3, status="active")

    new = _migrate(AFTER)
    Pro, AuditEvent = new.get_model("pros", "Pro"), new.get_model("core", "AuditEvent")
    assert Pro.objects.get(pk=column_only.pk).status == "suspended"
    assert not new.get_model("pros", "ZoneCell").objects.filter(dispatchable=True).exists()
    assert Pro.objects.get(pk=status_only.pk).status == "suspended"
    assert Pro.objects.get(pk=working.pk).status == "active"
    kept = AuditEvent.objects.get(action="pro.suspended", subject=f"pros.pro:{column_only.pk}")
    assert kept.created_at == moment and kept.data["reason"] == "Fraude"
    assert AuditEvent.objects.filter(subject=f"pros.pro:{status_only.pk}").count() == 1
    assert not AuditEvent.objects.filter(subject=f"pros.pro:{working.pk}").exists()
