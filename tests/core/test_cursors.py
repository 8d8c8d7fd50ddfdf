"""core.cursors.server_bound: a Django cursor (counted, wrapped, errors translated) whose
parameters PostgreSQL binds."""

from datetime import UTC, datetime, time

import pytest
from django.db import IntegrityError, connection

from core.cursors import server_bound

pytestmark = pytest.mark.django_db


def test_values_come_back_as_they_went():
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), server_bound() as cursor:
        cursor.execute(
            "SELECT %(moment)s::timestamptz, %(at)s::time, %(n)s::bigint, %(text)s",
            {
                "moment": datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
                "at": time(9, 5),
                "n": 7,
                "text": "l'été",
            },
        )
        row = cursor.fetchone()
    assert row == (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), time(9, 5), 7, "l'été")
    assert len(seen) == 1


def test_the_server_types_the_parameters():
    # Quoted into the text, 7 is an integer literal; bound apart, psycopg types it itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_typeof(%s)::text", [7])
        assert cursor.fetchone() == ("integer",)
    with server_bound() as cursor:
        cursor.execute("SELECT pg_typeof(%s)::text", [7])
        assert cursor.fetchone() == ("smallint",)


def test_its_statements_are_counted_like_any_other(django_assert_num_queries):
    with django_assert_num_queries(1), server_bound() as cursor:
        cursor.execute("SELECT %s::integer", [1])


def test_its_errors_are_djangos():
    with pytest.raises(IntegrityError), server_bound() as cursor:
        cursor.execute(
            "INSERT INTO core_user (email, password, is_superuser) VALUES (NULL, '', false)"
        )
