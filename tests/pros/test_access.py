"""Which pro is signed in: pros.selectors.pro_for, the web decorator and the API permission."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from pros.access import HTMX_STOP_POLLING, pro_required
from pros.api_access import IsPro
from pros.selectors import pro_for
from tests.factories import ProFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pro_for_is_one_query_and_keeps_the_user_object(django_assert_num_queries):
    pro = ProFactory()
    user = type(pro.user).objects.get(pk=pro.user.pk)
    with django_assert_num_queries(1):
        found = pro_for(user)
        assert found == pro and found.user is user
        assert pro_for(user) is found  # cached on the user for the rest of the request
    assert pro_for(UserFactory()) is None
    assert pro_for(AnonymousUser()) is None
    assert pro_for(None) is None


@pro_required
def _web_view(request):
    return HttpResponse(str(request.pro.pk))


@pro_required(polled=True)
def _polled_view(request):
    return HttpResponse(str(request.pro.pk))


def _get(user, *, htmx=False):
    request = RequestFactory().get("/pro/x")
    request.user = user
    request.htmx = htmx
    request.session = {}
    request._messages = _Messages()
    return request


class _Messages(list):
    def add(self, level, message, extra_tags=""):
        self.append(message)


def test_pro_required_sets_request_pro_or_redirects():
    pro = ProFactory()
    assert _web_view(_get(pro.user)).content == str(pro.pk).encode()
    anonymous = _web_view(_get(AnonymousUser()))
    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('pros:login')}?next=/pro/x"
    not_a_pro = _web_view(_get(UserFactory()))
    assert not_a_pro.status_code == 302 and not_a_pro.url == reverse("pros:signup")


def test_polled_fragments_stop_polling_instead_of_swapping_a_login_page():
    response = _polled_view(_get(AnonymousUser(), htmx=True))
    assert response.status_code == HTMX_STOP_POLLING
    assert response.headers["HX-Redirect"] == reverse("pros:login")
    # Without htmx (a plain page load), the usual redirects.
    assert _polled_view(_get(AnonymousUser())).status_code == 302


class _ProOnlyApi(APIView):
    permission_classes = [IsPro]

    def get(self, request):
        return Response({"pro": request.pro.pk})


def _api(user):
    request = APIRequestFactory().get("/api/v1/x")
    if user is not None:
        force_authenticate(request, user=user)
    return _ProOnlyApi.as_view()(request)


def test_api_permission_answers_403_not_a_pro_and_sets_request_pro():
    pro = ProFactory()
    assert _api(pro.user).data == {"pro": pro.pk}
    refused = _api(UserFactory())
    assert refused.status_code == 403 and refused.data["error"]["code"] == "not_a_pro"
    assert _api(None).status_code == 401
