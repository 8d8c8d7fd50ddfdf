"""core.bulk.insert_rows: one INSERT whose rows travel as JSON writes what bulk_create writes."""

from datetime import UTC, datetime

import pytest
from django.db import DataError, transaction

from core.bulk import insert_rows
from customers.models import Address
from notifications.models import Notification
from pros.models import ScoreEvent
from tests.factories import ProFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "user_id",
    "kind",
    "params",
    "url",
    "data",
    "created_at",
    "read_at",
    "expires_at",
    "urgent",
]


def _notifications(user, marker):
    return [
        Notification(
            user=user,
            kind=f"{marker}-{i}",
            params={"name": "Zoé « l'été »", "nested": {"cents": [1, 2], "none": None}, "i": i},
            url="/pro/proposals",
            data={"proposal": i},
            created_at=datetime(2026, 3, 5, 9, 30, 15, 123457 + i, tzinfo=UTC),
            read_at=None,
            expires_at=datetime(2026, 3, 5, 10, 0, tzinfo=UTC) if i % 2 else None,
            urgent=bool(i % 2),
        )
        for i in range(5)
    ]


def _stored(marker):
    rows = Notification.objects.filter(kind__startswith=marker).order_by("kind").values(*FIELDS)
    return [{**row, "kind": row["kind"].split("-", 1)[1]} for row in rows]


def test_the_rows_are_those_bulk_create_writes_with_their_keys_in_order():
    user = UserFactory()
    Notification.objects.bulk_create(_notifications(user, "orm"))
    mine = insert_rows(Notification, _notifications(user, "json"))
    assert _stored("json") == _stored("orm")  # microseconds, nested JSON, NULLs, booleans
    assert [n.pk for n in mine] == sorted(n.pk for n in mine)
    for notification in mine:
        stored = Notification.objects.get(pk=notification.pk)
        assert (stored.kind, notification._state.adding) == (notification.kind, False)


def test_a_text_too_long_for_its_column_is_refused_and_nothing_is_written():
    user = UserFactory()
    rows = _notifications(user, "long")
    rows[-1].kind = "x" * 65  # varchar(64)
    with pytest.raises(DataError), transaction.atomic():
        insert_rows(Notification, rows)
    assert not Notification.objects.filter(kind__startswith="long").exists()


def test_ignore_conflicts_skips_the_rows_a_unique_constraint_refuses():
    pro = ProFactory()
    at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)

    def event(ref):
        return ScoreEvent(pro=pro, kind=ScoreEvent.Kind.EXPIRED, at=at, ref=ref)

    insert_rows(ScoreEvent, [event("proposal:1")], ignore_conflicts=True)
    insert_rows(ScoreEvent, [event("proposal:1"), event("proposal:2")], ignore_conflicts=True)
    assert sorted(pro.score_events.values_list("ref", flat=True)) == ["proposal:1", "proposal:2"]


def test_an_empty_list_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(Notification, []) == []


def test_a_field_it_cannot_send_exactly_is_an_error_not_a_guess():
    with pytest.raises(TypeError, match="DecimalField"):
        insert_rows(Address, [Address(lat=1, lng=2)])
