"""Unsaved model instances built without `Model.__init__`'s walk over every field, for the few
places that build thousands per second: a dispatch sweep of 10,000 requests builds 70,000
(proposals, their pros and users, timeline events, notifications, score events), and
`Model(**values)` cost 25-100 µs each there, a fifth of the sweep's time in Python.

`new(Model, **values)` gives the same instance as `Model(**values)` (same attribute values,
defaults included, same cache of related instances, same state), pinned per model by
tests/core/test_instances.py. A model the shortcut cannot mirror exactly (its own `__init__`,
an init signal, a database router, a related instance on a primary key) is built by
`Model(**values)` itself.

`loaded(Model, attnames, values, db)` is likewise `Model.from_db(db, attnames, values)` (the
named columns set, the others deferred), for the hand-written reads of core.rows: `from_db`
looks every concrete field up in the list of names, which cost 30 µs for a page of cards'
requests.
"""

import functools

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class _Blueprint:
    """What `new` needs of a model, worked out once: the constant defaults, the fields whose
    default is computed per instance, and the fields a value may be given for."""

    def __init__(self, model):
        self.constants = {}
        self.computed = []  # (attname, the field's get_default)
        self.relations = {}  # field name -> forward relation field
        self.attnames = set()
        for field in model._meta.concrete_fields:
            self.attnames.add(field.attname)
            if field.is_relation:
                self.relations[field.name] = field
            if (field.has_default() and callable(field.default)) or field.has_db_default():
                self.computed.append((field.attname, field.get_default))
            else:  # None, "" or the field's constant default: the object Django would set
                self.constants[field.attname] = field.get_default()
        self.properties = model._meta._property_names


@functools.cache
def _blueprint(model) -> _Blueprint | None:
    """None when `new` would not mirror `model(**values)` exactly."""
    mirrored = (
        model.__init__ is Model.__init__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
        and not settings.DATABASE_ROUTERS
        and not any(field.is_relation for field in model._meta.concrete_fields if field.primary_key)
    )
    return _Blueprint(model) if mirrored else None


def new(model, **values):
    """`model(**values)`, an unsaved instance, without the per-field walk (see the module)."""
    blueprint = _blueprint(model)
    if blueprint is None:
        return model(**values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    attributes = obj.__dict__
    attributes.update(blueprint.constants)
    for attname, default in blueprint.computed:
        if attname not in values:
            attributes[attname] = default()
    for name, value in values.items():
        relation = blueprint.relations.get(name)
        if relation is not None:
            _relate(obj, state, relation, value)
        elif name in blueprint.attnames:
            attributes[name] = value
        elif name in blueprint.properties:
            setattr(obj, name, value)
        else:
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: {name!r}")
    return obj


def _relate(obj, state: ModelState, relation, value) -> None:
    """What the forward relation's descriptor does on `obj.<relation> = value` (no router)."""
    if value is not None:
        related_model = relation.remote_field.model._meta.concrete_model
        if not isinstance(value, related_model):
            raise ValueError(
                f'Cannot assign "{value!r}": "{obj._meta.object_name}.{relation.name}" must be '
                f'a "{related_model._meta.object_name}" instance.'
            )
        if state.db is None:
            state.db = value._state.db or DEFAULT_DB_ALIAS
        if value._state.db is None:
            value._state.db = state.db
    for local, remote in relation.related_fields:
        obj.__dict__[local.attname] = None if value is None else getattr(value, remote.attname)
    state.fields_cache[relation.name] = value


def loaded(model, attnames: list[str], values: list, db: str):
    """`model.from_db(db, attnames, values)`: an instance read from the database, with the
    fields not named deferred (see the module)."""
    if _blueprint(model) is None:
        return model.from_db(db, attnames, values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding, state.db = False, db
    obj.__dict__.update(zip(attnames, values, strict=True))
    return obj
