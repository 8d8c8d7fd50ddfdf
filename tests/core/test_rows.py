"""core.rows reads datetime columns as epoch microseconds and gives back the very datetimes the
ORM reads: every microsecond, both sides of a daylight-saving change, NULL, far dates."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from core.models import User
from core.rows import dict_rows, instance, select_items
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOMENTS = [
    datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),  # the last µs of winter time in Paris
    datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 30, 0, 1, tzinfo=UTC),  # inside the repeated hour
    datetime(1901, 12, 13, 20, 45, 52, 123456, tzinfo=UTC),  # before the epoch
    datetime(2199, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    None,
]


def _read(pk):
    items, names = select_items(User, "u")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(items)} FROM core_user u WHERE u.id = %s", [pk])
        return instance(User, names, dict_rows(cursor)[0])


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_datetime_column_reads_back_exactly(moment):
    user = UserFactory(last_login=moment)
    read, expected = _read(user.pk), User.objects.get(pk=user.pk)
    assert read.last_login == expected.last_login == moment
    assert read.date_joined == expected.date_joined
    if moment is not None:
        assert read.last_login.utcoffset() == expected.last_login.utcoffset()
