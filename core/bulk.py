"""Many rows of one model in one INSERT whose rows travel as one JSON document, unpacked by
PostgreSQL (`jsonb_to_recordset`).

Django's `bulk_create` prepares every value of every row in Python and sends one placeholder
per value: the dispatch sweep writes thousands of timeline events, notifications and score
events per batch, and that preparation was most of what they cost. Here each row is a dict
dumped by the C JSON encoder, and the database casts the values to the columns' types (a
text too long for its column is still refused by the INSERT itself). Like `bulk_create`:
no `save()`, no signals, primary keys set on the objects (unless conflicts are ignored).
"""

import json
import operator

from django.db import connection, models

# Field classes whose Python value is already what JSON carries (a foreign key: its id; a
# JSONField: its document, nested as is, as the field itself would store it).
_AS_IS = (
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.ForeignKey,
    models.JSONField,
)
# ...and those sent as their ISO text, in full (no rounding of microseconds).
_ISO = (models.DateTimeField, models.DateField, models.TimeField)


def _converter(field):
    if isinstance(field, _ISO):
        return lambda value: None if value is None else value.isoformat()
    if isinstance(field, _AS_IS):
        return None
    raise TypeError(f"insert_rows cannot send {field.__class__.__name__} {field.name!r}")


def _column_type(field) -> str:
    # Unbounded text in the record: the INSERT's own cast to varchar(n) checks the length.
    if isinstance(field, (models.CharField, models.TextField)):
        return "text"
    return field.db_type(connection)


def insertable_fields(model) -> list:
    """The columns an INSERT of `model` writes: every concrete field but the primary key."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _reader(field):
    """How the INSERT reads the field's value off an object: its attribute, unless the field
    computes it when saved (`pre_save`: `auto_now_add` and the like)."""
    plain = type(field).pre_save is models.Field.pre_save or (
        isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add)
    )
    if plain:
        return operator.attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, True)


def json_rows(fields, objs) -> str:
    """The JSON document of `objs`'s rows (one object per row, keyed by column), as
    `recordset` unpacks it."""
    converters = [(field.column, _reader(field), _converter(field)) for field in fields]
    rows = []
    for obj in objs:
        row = {}
        for column, read, convert in converters:
            value = read(obj)
            row[column] = value if convert is None else convert(value)
        rows.append(row)
    return json.dumps(rows)


def recordset(fields, placeholder: str) -> tuple[str, str]:
    """(the quoted column list, a FROM item giving the rows of the JSON document passed as
    `placeholder`, typed, with their position as `row_number`)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    record = ", ".join(f"{quote(field.column)} {_column_type(field)}" for field in fields)
    source = (
        f"ROWS FROM (jsonb_to_recordset({placeholder}::jsonb) AS ({record})) "
        f"WITH ORDINALITY AS r({names}, row_number)"
    )
    return names, source


def insert_rows(model, objs: list, *, ignore_conflicts: bool = False) -> list:
    """Insert `objs` (unsaved instances of `model`) in one statement; returns them, with their
    primary keys set unless `ignore_conflicts` (then a row that breaks a unique constraint is
    skipped, as `bulk_create(ignore_conflicts=True)` does)."""
    if not objs:
        return objs
    meta = model._meta
    fields = insertable_fields(model)
    names, source = recordset(fields, "%s")
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) "
        f"SELECT {names} FROM {source} ORDER BY row_number"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    else:
        sql += f" RETURNING {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [json_rows(fields, objs)])
        if ignore_conflicts:
            return objs
        # Rows come back in the order they were inserted: the ORDER BY above.
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
    return objs
