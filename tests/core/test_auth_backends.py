"""The session's user is read with their pro profile in one hand-written statement
(core.auth_backends), and the session itself likewise (core.sessions): same answers as the
ORM's, nothing read twice."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from core.auth_backends import UserWithProfilesBackend
from core.models import User
from core.sessions import SessionStore
from tests.factories import ProFactory, UserFactory

pytestmark = pytest.mark.django_db

backend = UserWithProfilesBackend()


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_a_pro_comes_with_their_profile_both_ways(django_assert_num_queries):
    pro = ProFactory()
    with django_assert_num_queries(1):
        user = backend.get_user(str(pro.user_id))  # the session stores the id as text
        assert user.pro.pk == pro.pk and user.pro.user is user
        assert user.pro.slug == pro.slug
    assert _fields(user) == _fields(User.objects.get(pk=pro.user_id))


def test_a_user_without_a_pro_profile_is_known_to_have_none(django_assert_num_queries):
    plain = UserFactory()
    with django_assert_num_queries(1):
        user = backend.get_user(plain.pk)
        with pytest.raises(ObjectDoesNotExist):
            user.pro  # noqa: B018 - the access itself is the test
    assert user == plain


@pytest.mark.parametrize("user_id", [0, 999_999, "not-a-number", None])
def test_an_unknown_or_malformed_id_is_nobody(user_id):
    assert backend.get_user(user_id) is None


def test_an_inactive_user_is_nobody():
    assert backend.get_user(UserFactory(is_active=False).pk) is None


def test_the_session_read_gives_what_was_saved_until_it_expires():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("x" * 32).load() == {}


def _token(user, **fields):
    from knox.models import AuthToken

    token, key = AuthToken.objects.create(user)
    if fields:
        AuthToken.objects.filter(pk=token.pk).update(**fields)
    return AuthToken, token, key


def test_an_api_token_brings_its_user_and_their_pro_in_one_read(django_assert_num_queries):
    from rest_framework.test import APIRequestFactory

    from core.api_input import TokenAuthentication

    pro = ProFactory()
    _model, _token_row, key = _token(pro.user)
    request = APIRequestFactory().get("/api/v1/pro/proposals", HTTP_AUTHORIZATION=f"Token {key}")
    with django_assert_num_queries(1):
        user, auth_token = TokenAuthentication().authenticate(request)
        assert user.pro.pk == pro.pk and user.pro.user is user and auth_token.user is user


def test_an_expired_token_is_refused_and_deleted_the_others_are_left_to_sign_in(api_client):
    user = UserFactory()
    past = timezone.now() - timedelta(minutes=1)
    model, expired, key = _token(user, expiry=past)
    _model, other_expired, _other_key = _token(user, expiry=past)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert not model.objects.filter(pk=expired.pk).exists()
    assert model.objects.filter(pk=other_expired.pk).exists()  # purged at the next sign-in
