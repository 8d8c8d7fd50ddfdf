"""Model instances from a hand-written SELECT, for the few hot reads written once as SQL rather
than compiled by the ORM at every call (the dispatch step's locking read, the dashboard poll's
cards, the signed-in user with their profile): compiling the same query on every poll was a
third of its cost.

`select_items` names a model's columns under a prefix (all of them, or a subset: the instance
then defers the others, as `.only()` does); `instance` builds the instance back from a row
read as a dict by those names. Related instances are attached by the caller (`child.parent =
parent` sets the ORM's cache, so no query follows)."""

from django.db import connection


def select_items(model, alias: str, prefix: str = "", fields=None) -> tuple[list[str], list[str]]:
    """SELECT items for the model's concrete columns (or the named `fields`, the primary key
    always included) as `"<prefix><attname>"`, and their attribute names."""
    chosen = model._meta.concrete_fields
    if fields is not None:
        wanted = set(fields) | {model._meta.pk.name}
        chosen = [f for f in chosen if f.name in wanted or f.attname in wanted]
    items = [f'{alias}."{field.column}" AS "{prefix}{field.attname}"' for field in chosen]
    return items, [field.attname for field in chosen]


def instance(model, attnames: list[str], row: dict, prefix: str = ""):
    """The model instance of `row` (a dict keyed by the select items' names); None when its
    primary key is NULL (nothing on the outer side of a LEFT JOIN)."""
    values = [row[prefix + name] for name in attnames]
    if row[prefix + model._meta.pk.attname] is None:
        return None
    return model.from_db(connection.alias, attnames, values)


def dict_rows(cursor) -> list[dict]:
    """The cursor's remaining rows as dicts keyed by column name."""
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
