"""The API's input guards, named in settings.REST_FRAMEWORK: token authentication (knox), a
JSON parser with a nesting limit, and pages whose `page` must be a page number.

DRF imports these while loading its views: this module must not import rest_framework.views
(nor core.api, which does)."""

import binascii
import io
import re
from functools import cache
from hmac import compare_digest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions, pagination, parsers

from .auth_backends import user_of_row, user_select
from .rows import dict_rows, instance, select_items


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <key>` with django-rest-knox's hashed, expiring tokens (renewed on
    use, see settings.REST_KNOX). A header that is not even text is a failed authentication,
    not a crash."""

    def authenticate_credentials(self, token):
        invalid = exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            token = token.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid from None
        # knox's own lookup (knox.auth.TokenAuthentication.authenticate_credentials), with the
        # user's profiles joined: token, user and profile in one statement written once.
        for auth_token in _tokens_with_users(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                raise invalid from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise invalid

    def _cleanup_token(self, auth_token) -> bool:
        """Whether this token has expired (then deleted). knox also lists the user's other
        tokens on every call to delete the expired ones, one query each time; each sign-in
        does that instead (core.services.auth_token_issue)."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


@cache
def _token_query() -> tuple[str, list[str]]:
    token_model = get_token_model()
    quote = connection.ops.quote_name
    items, token_names = select_items(token_model, "t", "t__")
    user_items, joins, _names, _profiles = user_select()
    user_model = get_user_model()
    sql = (
        f"SELECT {', '.join(items + user_items)} FROM {quote(token_model._meta.db_table)} t"
        f" JOIN {quote(user_model._meta.db_table)} u"
        f" ON u.{quote(user_model._meta.pk.column)} = t.{quote(token_model.user.field.column)}"
        f" {joins} WHERE t.{quote(token_model._meta.get_field('token_key').column)} = %s"
    )
    return sql, token_names


def _tokens_with_users(token_key: str) -> list:
    """The tokens under this key, each with its user and the user's profiles attached."""
    sql, token_names = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_key])
        rows = dict_rows(cursor)
    tokens = []
    for row in rows:
        auth_token = instance(get_token_model(), token_names, row, "t__")
        auth_token.user = user_of_row(row)
        tokens.append(auth_token)
    return tokens


# A JSON string (with its escapes), then any character that is not a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether `text` nests arrays/objects deeper than `limit`, found without recursion: keep
    the brackets outside strings, then remove innermost pairs `limit` times; when nothing is
    left it is within the limit. What is left is deeper, or merely unbalanced (`{"a": 1`):
    only then count the open brackets one by one, so that a plain syntax error gets the
    parser's own message instead of "nested too deeply". The running count of open brackets
    is never below the parser's depth, so nothing deeper than the limit reaches the parser."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    left = brackets
    for _level in range(limit):
        if not left:
            return False
        left = _INNERMOST_PAIR.sub("", left)
    if not left:
        return False
    depth = deepest = 0
    for bracket in brackets:
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest > limit


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing (400 `invalid`) a body nested deeper than
    settings.API_JSON_MAX_DEPTH before parsing it, so that it cannot exhaust the stack."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(gettext("The body is not valid %s.") % encoding) from exc
        if json_depth_exceeds(text, settings.API_JSON_MAX_DEPTH):
            raise exceptions.ParseError(
                gettext("JSON nested too deeply (at most %(depth)d levels).")
                % {"depth": settings.API_JSON_MAX_DEPTH}
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's `{count, next, previous, results}` pages. `page`, when given, must be a whole
    number from 1 (or `last`): anything else, the empty value included, is 400 `invalid`; a
    page past the end stays 404."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise exceptions.ValidationError(
                {self.page_query_param: [gettext("Enter a page number: a whole number from 1.")]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters
