"""notifications.0005: rows recorded as rendered text keep that text as their `legacy`
parameters (shown as is), and nothing else about them changes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from tests.factories import UserFactory

BEFORE = [("notifications", "0003_calendar_feed")]
AFTER = [("notifications", "0007_field_labels")]


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
def test_text_rows_become_legacy_rows_that_render_their_text(back_to_latest):
    user = UserFactory()  # users are untouched by these migrations
    old = _migrate(BEFORE)
    row = old.get_model("notifications", "Notification").objects.create(
        user_id=user.pk,
        kind="proposal_new",
        title="Nouvelle proposition : Ménage le 01/12/2026 10:00",
        body="Montant net : 40,00 €.",
        url="/pro/",
        data={"proposal": 7, "request": 3},
    )

    _migrate(AFTER)
    migrated = Notification.objects.get(pk=row.pk)
    assert migrated.kind == "proposal_new" and migrated.data == {"proposal": 7, "request": 3}
    assert migrated.params == {
        "legacy": {
            "title": "Nouvelle proposition : Ménage le 01/12/2026 10:00",
            "body": "Montant net : 40,00 €.",
        }
    }
    assert migrated.rendered("en") == (
        "Nouvelle proposition : Ménage le 01/12/2026 10:00",
        "Montant net : 40,00 €.",
    )

    # And back: the text returns to its columns.
    back = _migrate(BEFORE)
    restored = back.get_model("notifications", "Notification").objects.get(pk=row.pk)
    assert restored.title.startswith("Nouvelle proposition") and restored.body.startswith("Montant")
