"""Support's admin for pros and documents: lists, actions through the services, reason pages."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.urls import reverse

from catalog.models import Service
from core.models import AuditEvent
from pros.models import Document, Pro
from pros.services import document_upload
from tests.factories import ProFactory, UserFactory
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    ensure_support_group()
    user = UserFactory(email="support@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def pending_id(pdf_upload):
    """A pro with a complete profile whose ID waits for review."""
    services = list(Service.objects.active()[:1])
    pro = ProFactory(
        lat=48.85, lng=2.35, radius_km=5, services=services, hours=[(0, "08:00", "18:00")]
    )
    return document_upload(pro=pro, kind="id", uploaded_file=pdf_upload())


def test_support_lists_and_searches_pros_and_documents(
    support, pending_id, django_assert_max_num_queries
):
    ProFactory.create_batch(3, active=True)
    with django_assert_max_num_queries(15):
        response = support.get(reverse("admin:pros_pro_changelist"))
    assert response.status_code == 200
    response = support.get(reverse("admin:pros_pro_changelist"), {"q": pending_id.pro.user.email})
    assert response.context["cl"].result_count == 1
    response = support.get(reverse("admin:pros_pro_changelist"), {"verified": "pending"})
    assert list(response.context["cl"].result_list) == [pending_id.pro]
    response = support.get(reverse("admin:pros_document_changelist"), {"status__exact": "pending"})
    assert response.status_code == 200
    assert reverse("pros:document_file", args=[pending_id.pk]) in response.content.decode()
    assert (
        support.get(reverse("admin:pros_pro_change", args=[pending_id.pro.pk])).status_code == 200
    )
    assert support.get(reverse("pros:document_file", args=[pending_id.pk])).status_code == 200


def test_verify_action_activates_complete_pro(support, pending_id):
    response = support.post(
        reverse("admin:pros_document_changelist"),
        {"action": "verify", ACTION_CHECKBOX_NAME: [pending_id.pk]},
    )
    assert response.status_code == 302
    pending_id.refresh_from_db()
    assert pending_id.status == Document.Status.VERIFIED and pending_id.reviewed_by == support.user
    pending_id.pro.refresh_from_db()
    assert pending_id.pro.status == Pro.Status.ACTIVE


def test_reject_action_asks_for_reason_first(support, pending_id):
    url = reverse("admin:pros_document_changelist")
    selection = {"action": "reject", ACTION_CHECKBOX_NAME: [pending_id.pk]}
    response = support.post(url, selection)
    assert response.status_code == 200 and b'name="reason"' in response.content
    response = support.post(url, {**selection, "apply": "1", "reason": ""})
    assert response.status_code == 200  # reason required: the page again, nothing written
    pending_id.refresh_from_db()
    assert pending_id.status == Document.Status.PENDING
    response = support.post(url, {**selection, "apply": "1", "reason": "Document expiré"})
    assert response.status_code == 302
    pending_id.refresh_from_db()
    assert (
        pending_id.status == Document.Status.REJECTED
        and pending_id.rejection_reason == "Document expiré"
    )


def test_suspend_reactivate_and_activate_actions(support):
    active = ProFactory(active=True)
    incomplete = ProFactory()
    url = reverse("admin:pros_pro_changelist")
    support.post(
        url,
        {"action": "suspend", ACTION_CHECKBOX_NAME: [active.pk], "apply": "1", "reason": "Plainte"},
    )
    active.refresh_from_db()
    assert active.status == Pro.Status.SUSPENDED and active.suspension_reason == "Plainte"
    support.post(url, {"action": "reactivate", ACTION_CHECKBOX_NAME: [active.pk]})
    active.refresh_from_db()
    assert active.status == Pro.Status.ACTIVE
    response = support.post(
        url, {"action": "activate", ACTION_CHECKBOX_NAME: [incomplete.pk]}, follow=True
    )
    incomplete.refresh_from_db()
    assert incomplete.status == Pro.Status.ONBOARDING
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_staff_outside_support_cannot_use_pro_admin(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:pros_pro_changelist")).status_code == 403


def _change_form_data(pro, **changes):
    data = {"bio": pro.bio}
    for prefix in ("documents", "working_hours", "time_off"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_support_edits_bio_and_photo_through_the_service_only(support, png_upload):
    pro = ProFactory()
    url = reverse("admin:pros_pro_change", args=[pro.pk])
    response = support.post(url, _change_form_data(pro, bio="Relue par le support"))
    assert response.status_code == 302
    pro.refresh_from_db()
    assert pro.bio == "Relue par le support"
    assert AuditEvent.objects.filter(action="pro.profile_updated", actor=support.user).exists()
    # Read-only fields posted anyway are ignored: status changes only through the services.
    support.post(url, _change_form_data(pro, status="active", score="99"))
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ONBOARDING and pro.score != 99


def test_support_photo_upload_gets_the_same_checks(support, pdf_upload):
    pro = ProFactory()
    url = reverse("admin:pros_pro_change", args=[pro.pk])
    response = support.post(url, _change_form_data(pro, photo=pdf_upload("fake.png")))
    assert response.status_code == 200 and response.context["adminform"].form.errors["photo"]
    pro.refresh_from_db()
    assert not pro.photo


def test_admin_pages_add_or_delete_nothing(support):
    pro = ProFactory()
    assert support.get(reverse("admin:pros_pro_add")).status_code == 403
    assert support.get(reverse("admin:pros_pro_delete", args=[pro.pk])).status_code == 403
