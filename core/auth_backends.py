"""Password sign-in and the session's user, with the user's profiles loaded in the same query
(settings.AUTHENTICATION_BACKENDS).

Nearly every signed-in request reads the user's profile next (`request.user.pro` on every pro
page and dashboard poll: pros.selectors.pro_for): joining the one-to-one profiles named in
settings.AUTH_USER_PROFILES to the session's user saves one query per request, and that query
is written once as SQL (core.rows), not compiled by the ORM on every request. Everything else
is Django's ModelBackend (password check, `is_active`, permissions). The API's token
authentication joins the same profiles (core.api_input.TokenAuthentication)."""

from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

from .rows import dict_rows, instance, select_items

# The path sessions record at sign-in (django.contrib.auth.login(..., backend=...)).
PASSWORD_BACKEND = "core.auth_backends.UserWithProfilesBackend"


@cache
def user_select() -> tuple[list[str], str, list[str], list]:
    """The pieces of a statement reading users (alias `u`) with their profiles: the SELECT
    items, the LEFT JOINs, the user's attribute names, and per profile (relation, model,
    attribute names, column prefix). Also the API tokens' read (core.api_input)."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    items, user_names = select_items(user_model, "u", "u__")
    joins, profiles = [], []
    for index, name in enumerate(settings.AUTH_USER_PROFILES):
        relation = user_model._meta.get_field(name)  # the reverse one-to-one
        model, alias = relation.related_model, f"p{index}"
        profile_items, profile_names = select_items(model, alias, f"{name}__")
        items += profile_items
        joins.append(
            f"LEFT JOIN {quote(model._meta.db_table)} {alias}"
            f" ON {alias}.{quote(relation.field.column)} = u.{quote(user_model._meta.pk.column)}"
        )
        profiles.append((relation, model, profile_names, f"{name}__"))
    return items, " ".join(joins), user_names, profiles


def user_of_row(row: dict):
    """The user of a row read with `user_select`'s items, their profiles attached both ways
    (`user.pro`, and `pro.user` is that user; a missing profile is known to be missing)."""
    _items, _joins, user_names, profiles = user_select()
    user = instance(get_user_model(), user_names, row, "u__")
    for relation, model, names, prefix in profiles:
        profile = instance(model, names, row, prefix)
        relation.set_cached_value(user, profile)  # None: RelatedObjectDoesNotExist on access
        if profile is not None:
            relation.field.set_cached_value(profile, user)
    return user


@cache
def _user_query() -> str:
    user_model = get_user_model()
    quote = connection.ops.quote_name
    items, joins, _names, _profiles = user_select()
    return (
        f"SELECT {', '.join(items)} FROM {quote(user_model._meta.db_table)} u {joins}"
        f" WHERE u.{quote(user_model._meta.pk.column)} = %s"
    )


class UserWithProfilesBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(_user_query(), [user_id])
            rows = dict_rows(cursor)
        if not rows:
            return None
        user = user_of_row(rows[0])
        return user if self.user_can_authenticate(user) else None
