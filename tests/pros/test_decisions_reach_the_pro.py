"""Support's decisions reach the pro: ID verified, a document refused (with the reason),
suspension (with the reason) and reactivation each bring a notification and an e-mail, sent on
commit, in the pro's language."""

import pytest
from django.core import mail
from django.utils import translation

from core.errors import InvalidInput
from notifications.models import Notification
from pros import services
from pros.models import Document, Pro
from tests.factories import DocumentFactory, ProFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return UserFactory(is_staff=True)


def _speaks(pro, language):
    type(pro.user).objects.filter(pk=pro.user.pk).update(language=language)
    pro.user.refresh_from_db()
    return pro


def _told(pro, kind):
    [notification] = Notification.objects.filter(user=pro.user, kind=kind)
    return notification


def test_a_verified_id_tells_the_pro_they_now_receive_proposals(
    support, django_capture_on_commit_callbacks
):
    pro = ProFactory(active=True)  # the factory verifies an ID too: start afresh
    services.document_reject(document=pro.documents.get(kind="id"), by=support, reason="Floue")
    new_id = DocumentFactory(pro=pro, kind="id")
    Notification.objects.filter(user=pro.user).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        services.document_verify(document=new_id, by=support)  # support's language: no matter
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ACTIVE
    notification = _told(pro, "pro_id_verified")
    assert notification.rendered_for_reader() == (
        "Votre identité est vérifiée",
        "Vous recevez maintenant des propositions de prestations.",
    )
    [email] = mail.outbox
    assert email.to == [pro.user.email] and email.subject == "Votre identité est vérifiée"
    assert "Vous recevez maintenant des propositions" in email.body
    # Verifying it again, or verifying a diploma, says nothing more.
    services.document_verify(document=new_id, by=support)
    services.document_verify(document=DocumentFactory(pro=pro, kind="diploma"), by=support)
    assert Notification.objects.filter(user=pro.user, kind="pro_id_verified").count() == 1


def test_a_verified_id_with_an_incomplete_profile_says_what_is_left(support):
    pro = ProFactory()  # onboarding: no services, zone or hours
    services.document_verify(document=DocumentFactory(pro=pro, kind="id"), by=support)
    assert "Complétez votre profil" in _told(pro, "pro_id_verified").body


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_refused_document_gives_the_reason_in_the_pros_language(
    support, language, django_capture_on_commit_callbacks
):
    pro = _speaks(ProFactory(active=True), language)
    document = pro.documents.get(kind="id")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        services.document_reject(document=document, by=support, reason="Photo illisible")
    assert mail.outbox == []  # the e-mail waits for the commit
    for callback in on_commit:
        callback()
    with translation.override(language):
        label = str(Document.Kind.ID.label)
    notification = _told(pro, "pro_document_refused")
    title, body = notification.rendered_for_reader()
    assert label in title and "Photo illisible" in body
    assert notification.url == "/pro/settings/documents"
    [email] = mail.outbox
    assert email.subject == title and "Photo illisible" in email.body
    assert email.body.endswith("/pro/settings/documents")


def test_suspension_and_reactivation_each_bring_a_notification_and_an_email(
    support, django_capture_on_commit_callbacks
):
    pro = ProFactory(active=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.pro_suspend(pro=pro, by=support, reason="Retards répétés")
    suspended = _told(pro, "pro_suspended")
    assert suspended.title == "Votre compte est suspendu"
    assert "Retards répétés" in suspended.body
    assert [email.subject for email in mail.outbox] == ["Votre compte est suspendu"]
    assert "Retards répétés" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        services.pro_suspend(pro=pro, by=support, reason="Encore")  # already suspended
        services.pro_reactivate(pro=pro, by=support)
    reactivated = _told(pro, "pro_reactivated")
    assert reactivated.rendered_for_reader() == (
        "Votre compte est réactivé",
        "Vous recevez à nouveau des propositions de prestations.",
    )
    assert [email.subject for email in mail.outbox] == [
        "Votre compte est suspendu",
        "Votre compte est réactivé",
    ]
    assert Notification.objects.filter(user=pro.user, kind="pro_suspended").count() == 1


def test_a_refused_suspension_tells_nobody(support):
    pro = ProFactory(active=True)
    with pytest.raises(InvalidInput):
        services.pro_suspend(pro=pro, by=support, reason="   ")
    assert not Notification.objects.filter(user=pro.user, kind="pro_suspended").exists()
