"""pros.services: sign-up, status lifecycle, settings rules, documents, bank details, referral."""

import re
from datetime import time

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Service
from core.errors import DomainError, InvalidInput
from core.models import AuditEvent
from pros import services
from pros.models import Document, Pro, WorkingHours, ZoneCell
from pros.selectors import missing_for_payment, missing_for_proposals, suspended_since
from tests.factories import ProFactory, UserFactory

from .conftest import PDF, png_bytes

pytestmark = pytest.mark.django_db
User = get_user_model()


def _signup(**overrides):
    fields = dict(
        terms_accepted=True,
        email="awa@example.com",
        password="Pro-secret-2024",
        first_name="Awa",
        last_name="Diallo",
        phone="+33612345678",
    )
    fields.update(overrides)
    return services.pro_signup(**fields)


def _dispatchable_cells(pro):
    return ZoneCell.objects.filter(pro=pro, dispatchable=True).count()


def _complete_profile(pro):
    services.pro_set_services(pro=pro, services=Service.objects.active()[:2])
    services.pro_set_working_hours(pro=pro, ranges=[(0, time(8), time(18))])
    services.pro_set_zone(pro=pro, base_address="Paris", lat=48.8566, lng=2.3522, radius_km=5)


# --- sign-up ---------------------------------------------------------------------------------


def test_signup_creates_onboarding_pro_with_slug_code_and_audit():
    pro = _signup()
    assert pro.status == Pro.Status.ONBOARDING
    assert pro.user.email == "awa@example.com" and pro.user.check_password("Pro-secret-2024")
    assert re.fullmatch(r"awa-d-[a-z2-7]{16}", pro.slug)  # readable + 80 random bits
    assert len(pro.referral_code) == 8
    assert pro.terms_accepted_at is not None
    assert AuditEvent.objects.filter(action="pro.signed_up", subject=f"pros.pro:{pro.pk}").exists()


def test_homonyms_get_distinct_slugs():
    first = _signup()
    second = _signup(email="awa2@example.com")
    assert first.slug != second.slug and second.slug.startswith("awa-d")


def test_signup_with_taken_email_refused_and_writes_nothing():
    UserFactory(email="awa@example.com")
    with pytest.raises(services.EmailTaken):
        _signup(email="AWA@example.com")
    assert User.objects.count() == 1 and Pro.objects.count() == 0


def test_taken_email_answers_like_the_customer_sign_up():
    """One "e-mail taken" answer for pros and customers: code `invalid`, on the email field."""
    UserFactory(email="awa@example.com")
    with pytest.raises(InvalidInput) as caught:
        _signup()
    assert caught.value.code == "invalid" and list(caught.value.fields) == ["email"]


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"password": "123"}, {"password"}),
        ({"password": "awa@example.com"}, {"password"}),
        ({"phone": "12"}, {"phone"}),
        ({"phone": "", "password": "123"}, {"phone", "password"}),
    ],
)
def test_signup_checks_phone_and_password_strength_itself(changes, fields):
    """Any client (not only the web form) gets the checks; every refusal at once."""
    with pytest.raises(InvalidInput) as caught:
        _signup(**changes)
    assert set(caught.value.fields) == fields
    assert not User.objects.exists() and not Pro.objects.exists()


def test_signup_stores_the_phone_in_e164():
    assert _signup(phone="06 12 34 56 78").user.phone == "+33612345678"


def test_existing_user_phone_is_checked_when_given():
    user = UserFactory(phone="")
    with pytest.raises(InvalidInput) as caught:
        services.pro_signup(terms_accepted=True, user=user, phone="12")
    assert set(caught.value.fields) == {"phone"} and not Pro.objects.exists()
    pro = services.pro_signup(terms_accepted=True, user=user, phone="06 12 34 56 78")
    assert pro.user.phone == "+33612345678"


def test_signup_with_unknown_referral_code_refused_and_writes_nothing():
    with pytest.raises(services.InvalidReferralCode):
        _signup(referral_code="NOPE1234")
    assert not User.objects.filter(email="awa@example.com").exists()


def test_signup_with_referral_code_links_referrer():
    referrer = ProFactory()
    pro = _signup(referral_code=referrer.referral_code.lower())
    assert pro.referred_by == referrer


def test_signup_without_terms_refused():
    with pytest.raises(services.TermsNotAccepted):
        _signup(terms_accepted=False)
    assert Pro.objects.count() == 0


def test_existing_user_becomes_pro_once():
    user = UserFactory(first_name="Léa", last_name="Martin")
    pro = services.pro_signup(terms_accepted=True, user=user)
    assert pro.user == user and re.fullmatch(r"lea-m-[a-z2-7]{16}", pro.slug)
    with pytest.raises(services.AlreadyPro):
        services.pro_signup(terms_accepted=True, user=user)


# --- status lifecycle -----------------------------------------------------------------------------


def test_onboarding_until_id_verified_and_profile_complete_then_active_and_dispatchable(pdf_upload):
    pro = _signup()
    assert [item.key for item in missing_for_proposals(pro)] == ["services", "zone", "hours", "id"]
    _complete_profile(pro)
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ONBOARDING
    assert _dispatchable_cells(pro) == 0

    document = services.document_upload(pro=pro, kind="id", uploaded_file=pdf_upload())
    assert [item.key for item in missing_for_proposals(pro)] == ["id_pending"]
    services.document_verify(document=document, by=None)
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ACTIVE and pro.is_id_verified
    assert _dispatchable_cells(pro) == ZoneCell.objects.filter(pro=pro).count() > 0
    assert missing_for_proposals(pro) == []
    assert [item.key for item in missing_for_payment(pro)] == ["iban"]
    assert AuditEvent.objects.filter(
        action="pro.status_changed", subject=f"pros.pro:{pro.pk}"
    ).exists()


def test_verified_id_alone_does_not_activate(pdf_upload):
    pro = _signup()
    document = services.document_upload(pro=pro, kind="id", uploaded_file=pdf_upload())
    services.document_verify(document=document, by=None)
    pro.refresh_from_db()
    assert pro.is_id_verified and pro.status == Pro.Status.ONBOARDING


def test_diploma_verification_does_not_verify_identity(pdf_upload):
    pro = _signup()
    _complete_profile(pro)
    diploma = services.document_upload(pro=pro, kind="diploma", uploaded_file=pdf_upload())
    services.document_verify(document=diploma, by=None)
    pro.refresh_from_db()
    assert not pro.is_id_verified and pro.status == Pro.Status.ONBOARDING


def test_rejecting_the_only_id_sends_pro_back_to_onboarding_with_reason():
    pro = ProFactory(active=True)
    staff = UserFactory(is_staff=True)
    document = pro.documents.get(kind="id")
    services.document_reject(document=document, by=staff, reason="Photo illisible")
    pro.refresh_from_db()
    document.refresh_from_db()
    assert (
        document.status == Document.Status.REJECTED
        and document.rejection_reason == "Photo illisible"
    )
    assert document.reviewed_by == staff
    assert pro.status == Pro.Status.ONBOARDING and not pro.is_id_verified
    assert _dispatchable_cells(pro) == 0
    assert [item.key for item in missing_for_proposals(pro)] == ["id_rejected"]


def test_reject_without_reason_refused_and_writes_nothing(pdf_upload):
    pro = _signup()
    document = services.document_upload(pro=pro, kind="id", uploaded_file=pdf_upload())
    with pytest.raises(InvalidInput):
        services.document_reject(document=document, by=None, reason="  ")
    document.refresh_from_db()
    assert document.status == Document.Status.PENDING


def test_suspend_and_reactivate():
    pro = ProFactory(active=True)
    staff = UserFactory(is_staff=True)
    services.pro_suspend(pro=pro, by=staff, reason="Démarchage hors plateforme")
    pro.refresh_from_db()
    assert pro.status == Pro.Status.SUSPENDED and pro.suspension_reason
    assert suspended_since(pro) is not None
    assert _dispatchable_cells(pro) == 0
    # A settings change does not lift a suspension.
    services.pro_set_working_hours(pro=pro, ranges=[(1, time(9), time(17))])
    pro.refresh_from_db()
    assert pro.status == Pro.Status.SUSPENDED
    services.pro_reactivate(pro=pro, by=staff)
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ACTIVE and suspended_since(pro) is None
    assert _dispatchable_cells(pro) > 0
    actions = set(
        AuditEvent.objects.filter(subject=f"pros.pro:{pro.pk}").values_list("action", flat=True)
    )
    assert {"pro.suspended", "pro.reactivated"} <= actions


def test_suspend_requires_reason():
    pro = ProFactory(active=True)
    with pytest.raises(InvalidInput):
        services.pro_suspend(pro=pro, by=None, reason="")
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ACTIVE


def test_activate_refuses_incomplete_profile():
    pro = ProFactory()
    with pytest.raises(services.CannotActivate):
        services.pro_activate(pro=pro, by=None)


def test_pause_removes_pro_from_dispatch_index_and_back():
    pro = ProFactory(active=True)
    services.pro_set_paused(pro=pro, paused=True)
    assert _dispatchable_cells(pro) == 0
    services.pro_set_paused(pro=pro, paused=False)
    assert _dispatchable_cells(pro) > 0


def test_removing_all_services_makes_active_pro_onboarding_again():
    pro = ProFactory(active=True)
    services.pro_set_services(pro=pro, services=[])
    pro.refresh_from_db()
    assert pro.status == Pro.Status.ONBOARDING and _dispatchable_cells(pro) == 0


# --- hours, services, zone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ranges",
    [
        [(0, time(10), time(9))],
        [(0, time(10), time(10))],
        [(0, time(8), time(12)), (0, time(11), time(14))],
        [(7, time(8), time(12))],
    ],
)
def test_invalid_hours_refused_and_previous_hours_kept(ranges):
    pro = ProFactory(hours=[(2, "08:00", "12:00")])
    with pytest.raises(services.InvalidHours):
        services.pro_set_working_hours(pro=pro, ranges=ranges)
    assert list(WorkingHours.objects.filter(pro=pro).values_list("weekday", flat=True)) == [2]


def test_adjacent_ranges_are_fine():
    pro = ProFactory()
    services.pro_set_working_hours(
        pro=pro, ranges=[(0, time(8), time(12)), (0, time(12), time(14))]
    )
    assert pro.working_hours.count() == 2


def test_unknown_service_refused():
    pro = ProFactory()
    with pytest.raises(InvalidInput):
        services.pro_set_services(pro=pro, services=[999999])
    assert pro.services.count() == 0


def test_zone_cells_cover_radius():
    pro = ProFactory()
    small = services.pro_set_zone(pro=pro, base_address="x", lat=48.85, lng=2.35, radius_km=2)
    large = services.pro_set_zone(pro=pro, base_address="x", lat=48.85, lng=2.35, radius_km=10)
    assert 1 <= small < large == ZoneCell.objects.filter(pro=pro).count()


# --- files ---------------------------------------------------------------------------------------------


def test_document_stored_privately(pdf_upload, settings):
    pro = ProFactory()
    document = services.document_upload(pro=pro, kind="id", uploaded_file=pdf_upload())
    assert document.content_type == "application/pdf" and document.size_bytes == len(PDF)
    path = document.file.path
    assert path.startswith(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not path.startswith(settings.MEDIA_ROOT)
    with document.file.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("id.pdf", b"MZ\x90\x00 an executable renamed"),
        ("id.png", b"GIF89a not allowed"),
        ("id.pdf", b""),
        ("id.png", b"\x89PNG\r\n\x1a\n but truncated garbage"),
    ],
)
def test_bad_documents_refused_and_nothing_stored(pdf_upload, name, data):
    pro = ProFactory()
    with pytest.raises(services.InvalidFile):
        services.document_upload(pro=pro, kind="id", uploaded_file=pdf_upload(name=name, data=data))
    assert not Document.objects.exists()


def test_document_over_5_mb_refused(pdf_upload):
    pro = ProFactory()
    big = PDF + b"0" * (5 * 1024 * 1024)
    with pytest.raises(services.InvalidFile):
        services.document_upload(pro=pro, kind="id", uploaded_file=pdf_upload(data=big))
    assert not Document.objects.exists()


def test_unknown_document_kind_refused(pdf_upload):
    with pytest.raises(InvalidInput):
        services.document_upload(pro=ProFactory(), kind="passport", uploaded_file=pdf_upload())


def test_photo_must_be_an_image(pdf_upload, png_upload):
    pro = ProFactory()
    with pytest.raises(services.InvalidFile):
        services.pro_update_profile(pro=pro, bio="Hi", photo=pdf_upload(name="me.png"))
    pro.refresh_from_db()
    assert not pro.photo and pro.bio == ""
    services.pro_update_profile(pro=pro, bio="Hi", photo=png_upload())
    pro.refresh_from_db()
    assert pro.photo.name.endswith(".jpg") and pro.bio == "Hi"  # re-encoded (issue 7)


def test_png_bytes_helper_is_a_valid_image():
    assert png_bytes().startswith(b"\x89PNG")


# --- bank details, referral, support group ---------------------------------------------------------------


def test_iban_validated_compacted_and_bic_derived():
    pro = ProFactory()
    services.pro_set_bank_details(
        pro=pro,
        iban="fr14 2004 1010 0505 0001 3m02 606",
        account_holder="Awa Diallo",
        payout_frequency="monthly",
    )
    pro.refresh_from_db()
    assert pro.iban == "FR1420041010050500013M02606"
    assert pro.bic.startswith("PSST")
    assert pro.payout_frequency == "monthly"
    assert missing_for_payment(pro) == []


@pytest.mark.parametrize(
    ("iban", "holder", "frequency"),
    [
        ("FR1420041010050500013M02607", "Awa", "weekly"),  # bad checksum
        ("XX00", "Awa", "weekly"),
        ("FR1420041010050500013M02606", "", "weekly"),
        ("FR1420041010050500013M02606", "Awa", "daily"),
    ],
)
def test_bad_bank_details_refused_and_nothing_written(iban, holder, frequency):
    pro = ProFactory()
    with pytest.raises(InvalidInput):
        services.pro_set_bank_details(
            pro=pro, iban=iban, account_holder=holder, payout_frequency=frequency
        )
    pro.refresh_from_db()
    assert pro.iban == "" and pro.account_holder == ""


def test_referral_invite_emails_on_commit(django_capture_on_commit_callbacks, mailoutbox):
    pro = ProFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_invite_create(pro=pro, email="Fatou@Example.com", name="Fatou")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["fatou@example.com"]
    assert pro.referral_code in mailoutbox[0].body
    with pytest.raises(DomainError):
        services.referral_invite_create(pro=pro, email="fatou@example.com")
    assert pro.referral_invites.count() == 1


def test_support_group_has_support_permissions():
    from django.contrib.auth.models import Group

    from wecasa.roles import ensure_support_group

    group = ensure_support_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "view_pro",
        "change_pro",
        "view_document",
        "change_document",
        "change_customer",
    } <= codenames
    assert Group.objects.filter(name="Support").count() == 1
    ensure_support_group()
    assert Group.objects.filter(name="Support").count() == 1
