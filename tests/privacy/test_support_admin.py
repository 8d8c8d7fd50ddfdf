"""Support's side of personal data in the admin (QA h15: the data exports list answered 403 to
the Support role although the README says support lists them): the list opens read-only, and
the "close the account" action is offered on customers and pros."""

import pytest
from django.contrib.auth.models import Group

from privacy.models import DataExport
from tests.factories import CustomerFactory, ProFactory, UserFactory
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    ensure_support_group()
    user = UserFactory(email="support@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    return client


def test_support_lists_data_exports_read_only(support):
    customer = CustomerFactory(user__email="asker@example.com")
    export = DataExport.objects.create(user=customer.user, nonce="n" * 32)
    response = support.get("/admin/privacy/dataexport/")
    assert response.status_code == 200
    assert b"asker@example.com" in response.content
    assert support.get(f"/admin/privacy/dataexport/{export.pk}/change/").status_code == 200
    assert support.get("/admin/privacy/dataexport/add/").status_code == 403


def test_support_is_offered_the_close_account_action(support):
    CustomerFactory()
    ProFactory()  # the admin shows no actions over an empty list
    for url in ("/admin/customers/customer/", "/admin/pros/pro/"):
        response = support.get(url)
        assert response.status_code == 200
        assert b'value="close_account"' in response.content, url
