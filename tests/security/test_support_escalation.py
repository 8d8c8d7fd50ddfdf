"""Support cannot escalate (issue 7, item 1): as support, the user page offers no privilege
field and no password form, posting them anyway changes nothing, and staff accounts are out of
reach; support still sees accounts, deactivates them and sends reset links. Only superusers
change privileges and passwords, and every account change from the admin is audited."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from core.models import AuditEvent, User
from tests.factories import CustomerFactory, ProFactory, UserFactory
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def support_client(client):
    agent = UserFactory(email="support@example.com", is_staff=True)
    agent.groups.add(ensure_support_group())
    client.force_login(agent)
    client.agent = agent
    return client


def _change_url(user):
    return f"/admin/core/user/{user.pk}/change/"


def _full_post(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    data.update(changes)
    return data


def test_support_sees_no_privilege_field_nor_password_form(support_client):
    pro = ProFactory().user
    page = support_client.get(_change_url(pro))
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in (*PRIVILEGE_FIELDS, "password", "email", "is_active"):
        assert name not in form.fields, name
    assert b"/password/" not in page.content


def test_support_cannot_make_themselves_superuser(support_client):
    agent = support_client.agent
    # Their own account is staff: out of reach, view only.
    response = support_client.post(
        _change_url(agent), _full_post(agent, is_superuser="on", groups=[])
    )
    assert response.status_code == 403
    # A customer's page ignores the privilege fields smuggled in the post.
    customer = CustomerFactory().user
    response = support_client.post(
        _change_url(customer),
        _full_post(
            customer,
            first_name="Renamed",
            is_superuser="on",
            is_staff="on",
            groups=[Group.objects.get(name="Support").pk],
            email="attacker@example.com",
        ),
    )
    assert response.status_code == 302, response.content[:500]
    customer.refresh_from_db()
    agent.refresh_from_db()
    assert customer.first_name == "Renamed"
    assert customer.email != "attacker@example.com"
    assert not (customer.is_superuser or customer.is_staff or customer.groups.exists())
    assert not agent.is_superuser
    event = AuditEvent.objects.get(
        action="user.changed_in_admin", subject=f"core.user:{customer.pk}"
    )
    assert event.actor == agent and event.data["privileges"]["is_superuser"] is False


def test_support_cannot_set_a_password(support_client):
    pro = ProFactory().user
    url = f"/admin/core/user/{pro.pk}/password/"
    assert support_client.get(url).status_code == 403
    response = support_client.post(
        url, {"password1": "Taken-over-99", "password2": "Taken-over-99"}
    )
    assert response.status_code == 403
    pro.refresh_from_db()
    assert pro.check_password("demo1234") and not pro.check_password("Taken-over-99")


def test_support_cannot_change_or_deactivate_a_superuser(support_client, superuser):
    response = support_client.post(_change_url(superuser), _full_post(superuser, first_name="X"))
    assert response.status_code == 403
    response = support_client.post(
        "/admin/core/user/",
        {"action": "deactivate", "_selected_action": [superuser.pk]},
    )
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.first_name != "X"
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()


def test_support_deactivates_and_sends_a_reset_link(
    support_client, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(user__email="c@example.com").user
    assert support_client.get("/admin/core/user/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        support_client.post(
            "/admin/core/user/",
            {"action": "send_password_reset", "_selected_action": [customer.pk]},
        )
    assert [message.to for message in mail.outbox] == [["c@example.com"]]
    support_client.post(
        "/admin/core/user/", {"action": "deactivate", "_selected_action": [customer.pk]}
    )
    customer.refresh_from_db()
    assert not customer.is_active
    agent = support_client.agent
    actions = set(
        AuditEvent.objects.filter(actor=agent, subject=f"core.user:{customer.pk}").values_list(
            "action", flat=True
        )
    )
    assert actions == {"user.password_reset_requested", "user.deactivated"}


def test_superuser_changes_privileges_and_passwords_audited(client, superuser):
    client.force_login(superuser)
    target = UserFactory(email="t@example.com")
    support = ensure_support_group()
    response = client.post(
        _change_url(target),
        {**_full_post(target), "is_staff": "on", "groups": [support.pk]},
    )
    assert response.status_code == 302, response.content[:500]
    target.refresh_from_db()
    assert target.is_staff and target.groups.filter(pk=support.pk).exists()
    event = AuditEvent.objects.get(action="user.changed_in_admin")
    assert event.actor == superuser
    assert event.data["privileges"]["is_staff"] is True
    assert event.data["privileges"]["groups"] == ["Support"]
    response = client.post(
        f"/admin/core/user/{target.pk}/password/",
        {"password1": "Brand-new-77x", "password2": "Brand-new-77x"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Brand-new-77x")
    assert AuditEvent.objects.filter(action="user.changed_in_admin").count() == 2
    assert User.objects.filter(is_superuser=True).count() == 1
