"""Model instances from a hand-written SELECT, for the few hot reads written once as SQL rather
than compiled by the ORM at every call (the dispatch step's locking read, the dashboard poll's
cards, the signed-in user with their profile): compiling the same query on every poll was a
third of its cost.

`select_items` names a model's columns under a prefix (all of them, or a subset: the instance
then defers the others, as `.only()` does); `instance` builds the instance back from a row
read as a dict by those names. Related instances are attached by the caller (`child.parent =
parent` sets the ORM's cache, so no query follows).

Datetime columns travel as whole microseconds since the epoch (a bigint, exact), not as text:
Django's loader for `timestamptz` parses each one in Python (about 10 µs), and a sweep batch or
a page of cards reads hundreds. `instance` turns them back into the same aware UTC datetimes.
"""

import functools
from datetime import UTC, datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, models

from .instances import loaded

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def select_items(model, alias: str, prefix: str = "", fields=None) -> tuple[list[str], list[str]]:
    """SELECT items for the model's concrete columns (or the named `fields`, the primary key
    always included) as `"<prefix><attname>"`, and their attribute names."""
    chosen = model._meta.concrete_fields
    if fields is not None:
        wanted = set(fields) | {model._meta.pk.name}
        chosen = [f for f in chosen if f.name in wanted or f.attname in wanted]
    items = [
        _column(field, f'{alias}."{field.column}"') + f' AS "{prefix}{field.attname}"'
        for field in chosen
    ]
    return items, [field.attname for field in chosen]


def _column(field, column: str) -> str:
    if isinstance(field, models.DateTimeField):
        return f"(extract(epoch FROM {column}) * 1000000)::bigint"  # numeric: exact
    return column


@functools.cache
def _datetime_attnames(model) -> frozenset:
    return frozenset(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateTimeField)
    )


def aware(microseconds: int | None) -> datetime | None:
    """A datetime column as `select_items` reads it, back to the aware UTC datetime."""
    return None if microseconds is None else _EPOCH + timedelta(microseconds=microseconds)


def instance(model, attnames: list[str], row: dict, prefix: str = ""):
    """The model instance of `row` (a dict keyed by the select items' names); None when its
    primary key is NULL (nothing on the outer side of a LEFT JOIN)."""
    if row[prefix + model._meta.pk.attname] is None:
        return None
    datetimes = _datetime_attnames(model)
    values = [
        aware(row[prefix + name]) if name in datetimes else row[prefix + name] for name in attnames
    ]
    return loaded(model, attnames, values, DEFAULT_DB_ALIAS)  # `connection`'s, read for free


def dict_rows(cursor) -> list[dict]:
    """The cursor's remaining rows as dicts keyed by column name."""
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
