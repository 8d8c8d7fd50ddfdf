"""Pro web pages through the Django test client: good input works, bad input shows a message
and writes nothing, and every page shows only the pro's own data."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from catalog.models import Service
from pros.models import Document, Pro, ReferralInvite, TimeOff, WorkingHours
from pros.services import document_upload, pro_record_completed_session
from tests.factories import ProFactory, UserFactory

from .conftest import PDF

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "first_name": "Awa",
    "last_name": "Diallo",
    "email": "awa@example.com",
    "phone": "06 12 34 56 78",
    "password": "Pro-secret-2024",
    "terms": "on",
}


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def pro_client(client):
    pro = ProFactory()
    client.force_login(pro.user)
    client.pro = pro
    return client


# --- sign-up -------------------------------------------------------------------------------------


def test_signup_page_shows_partnership_terms(client):
    response = client.get(reverse("pros:signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"Platform customers stay platform customers" in response.content


def test_signup_prefills_referral_code_from_invitation_link(client):
    response = client.get(reverse("pros:signup") + "?ref=ABCD2345")
    assert b'value="ABCD2345"' in response.content


def test_signup_creates_pro_and_logs_in(client):
    response = client.post(reverse("pros:signup"), SIGNUP)
    assert response.status_code == 302 and response.url == reverse("pros:onboarding")
    pro = Pro.objects.get(user__email="awa@example.com")
    assert pro.user.phone == "+33612345678"
    assert client.get(reverse("pros:onboarding")).status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"terms": ""},
        {"email": "not-an-email"},
        {"password": "123"},
        {"phone": "12"},
        {"first_name": ""},
        {"referral_code": "ZZZZ9999"},
    ],
)
def test_signup_bad_input_shows_message_and_writes_nothing(client, changes):
    data = {**SIGNUP, **changes}
    response = client.post(reverse("pros:signup"), {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 400
    assert _messages(response)
    assert not User.objects.exists() and not Pro.objects.exists()


def test_signup_shows_the_service_checks_on_their_fields_like_form_errors(client):
    """Phone and password strength are checked by pros.services.pro_signup; the page shows
    them exactly as it did when the form checked them."""
    data = {**SIGNUP, "phone": "12", "password": "123"}
    response = client.post(reverse("pros:signup"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["phone"] == ["Enter a valid phone number."]
    assert (
        "This password is too short. It must contain at least 8 characters."
        in (form.errors["password"])
    )
    assert _messages(response) == ["Please correct the errors below."]


def test_signup_with_customer_email_asks_to_log_in(client):
    UserFactory(email="awa@example.com")
    response = client.post(reverse("pros:signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Log in first" in response.content.decode()
    assert User.objects.count() == 1 and not Pro.objects.exists()


def test_logged_in_customer_creates_pro_profile_without_new_account(client):
    user = UserFactory(first_name="Léa", last_name="Martin")
    client.force_login(user)
    page = client.get(reverse("pros:signup"))
    assert b'name="email"' not in page.content and b'name="password"' not in page.content
    response = client.post(
        reverse("pros:signup"),
        {"first_name": "Léa", "last_name": "Martin", "phone": "0612345678", "terms": "on"},
    )
    assert response.status_code == 302
    assert Pro.objects.get().user == user and User.objects.count() == 1


def test_signup_redirects_existing_pro(pro_client):
    assert pro_client.get(reverse("pros:signup")).url == reverse("pros:onboarding")


# --- login, logout, password reset --------------------------------------------------------------


def test_login_and_logout(client):
    pro = ProFactory(user__email="awa@example.com")
    response = client.post(
        reverse("pros:login"), {"email": "AWA@example.com", "password": "demo1234"}
    )
    assert response.status_code == 302 and response.url == reverse("bookings:dashboard")
    assert client.get(reverse("pros:settings")).status_code == 200
    assert client.get(reverse("pros:logout")).status_code == 405  # logout is POST only
    client.post(reverse("pros:logout"))
    assert client.get(reverse("pros:settings")).status_code == 302
    assert pro.pk


def test_login_honours_safe_next_only(client):
    ProFactory(user__email="awa@example.com")
    data = {"email": "awa@example.com", "password": "demo1234"}
    response = client.post(reverse("pros:login"), {**data, "next": "/pro/settings/zone"})
    assert response.url == "/pro/settings/zone"
    client.logout()
    response = client.post(reverse("pros:login"), {**data, "next": "https://evil.example/"})
    assert response.url == reverse("bookings:dashboard")


def test_wrong_password_shows_message_then_locks(client, settings):
    ProFactory(user__email="awa@example.com")
    bad = {"email": "awa@example.com", "password": "wrong"}
    response = client.post(reverse("pros:login"), bad, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Incorrect email or password." in _messages(response)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post(reverse("pros:login"), bad, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert any("locked" in message for message in _messages(response))
    # Even the right password is refused while locked.
    response = client.post(reverse("pros:login"), {**bad, "password": "demo1234"})
    assert response.status_code == 429


def test_login_of_user_without_pro_goes_to_signup(client):
    UserFactory(email="customer@example.com")
    response = client.post(
        reverse("pros:login"), {"email": "customer@example.com", "password": "demo1234"}
    )
    assert response.url == reverse("pros:signup")


def test_password_reset_by_email(client, mailoutbox):
    pro = ProFactory(user__email="awa@example.com")
    response = client.post(reverse("pros:password_reset"), {"email": "awa@example.com"})
    assert response.url == reverse("pros:password_reset_done")
    assert len(mailoutbox) == 1
    link = re.search(
        r"https?://[^/]+(/pro/password-reset/[^/\s]+/[^/\s]+)", mailoutbox[0].body
    ).group(1)
    response = client.get(link)
    assert response.status_code == 302  # to the token-less "set-password" URL
    form_url = response.url
    response = client.post(
        form_url, {"new_password1": "Nouveau-2025!", "new_password2": "Nouveau-2025!"}
    )
    assert response.url == reverse("pros:password_reset_complete")
    pro.user.refresh_from_db()
    assert pro.user.check_password("Nouveau-2025!")


def test_password_reset_unknown_email_sends_nothing(client, mailoutbox):
    response = client.post(reverse("pros:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and mailoutbox == []


# --- access --------------------------------------------------------------------------------------


SETTINGS_PAGES = [
    "pros:onboarding",
    "pros:settings",
    "pros:settings_profile",
    "pros:settings_services",
    "pros:settings_zone",
    "pros:settings_hours",
    "pros:settings_availability",
    "pros:settings_documents",
    "pros:settings_bank",
    "pros:settings_link",
    "pros:settings_referral",
]


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_settings_pages_need_login_and_a_pro(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("pros:login"))
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("pros:signup")


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_settings_pages_render_for_active_pro(client, name, django_assert_max_num_queries):
    pro = ProFactory(active=True)
    client.force_login(pro.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"htmx.min.js" in response.content and b"X-CSRFToken" in response.content


def test_onboarding_lists_what_is_missing_separately_for_payment(pro_client):
    response = pro_client.get(reverse("pros:onboarding"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    proposals, payment = content.split('id="checklist-payment"')
    for text in ("Choose the services", "Set your zone", "weekly working hours", "Upload your ID"):
        assert text in proposals
    assert "Add your IBAN" in payment and "Add your IBAN" not in proposals


# --- settings forms -----------------------------------------------------------------------------------


def test_profile_saves_bio_and_photo(pro_client, png_upload):
    response = pro_client.post(
        reverse("pros:settings_profile"), {"bio": "Coiffeuse", "photo": png_upload()}
    )
    assert response.status_code == 302
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.bio == "Coiffeuse" and pro_client.pro.photo


def test_profile_rejects_fake_image(pro_client, pdf_upload):
    response = pro_client.post(
        reverse("pros:settings_profile"), {"bio": "Coiffeuse", "photo": pdf_upload(name="me.jpg")}
    )
    assert response.status_code == 400 and _messages(response)
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.bio == "" and not pro_client.pro.photo


def test_services_saved(pro_client):
    chosen = list(Service.objects.active().values_list("pk", flat=True)[:3])
    response = pro_client.post(reverse("pros:settings_services"), {"services": chosen})
    assert response.status_code == 302
    assert sorted(pro_client.pro.services.values_list("pk", flat=True)) == sorted(chosen)


def test_unknown_service_shows_message(pro_client):
    response = pro_client.post(reverse("pros:settings_services"), {"services": [999999]})
    assert response.status_code == 400 and _messages(response)
    assert not pro_client.pro.services.exists()


def test_zone_saved_and_summarised(pro_client):
    data = {"base_address": "12 rue Oberkampf", "lat": "48.8647", "lng": "2.379", "radius_km": "10"}
    response = pro_client.post(reverse("pros:settings_zone"), data)
    assert response.status_code == 302
    page = pro_client.get(reverse("pros:settings_zone"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cells = pro_client.pro.zone_cells.count()
    assert cells > 50
    # In words a pro understands: no "h3", no coordinates.
    assert "within about 10 km around 12 rue Oberkampf." in page
    summary = page.split('id="zone-summary"', 1)[1].split("</div>", 1)[0]
    assert "h3" not in summary and "48.86" not in summary


@pytest.mark.parametrize(
    "changes",
    [
        {"radius_km": "0"},
        {"radius_km": "51"},
        {"lat": "91"},
        {"lng": "abc"},
        {"base_address": "", "lat": "", "lng": ""},  # neither an address nor a position
    ],
)
def test_zone_bad_input_writes_nothing(pro_client, changes):
    data = {"base_address": "x", "lat": "48.86", "lng": "2.37", "radius_km": "10", **changes}
    response = pro_client.post(reverse("pros:settings_zone"), data)
    assert response.status_code == 400 and _messages(response)
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.radius_km is None and not pro_client.pro.zone_cells.exists()


def test_hours_saved_with_several_ranges(pro_client):
    data = {
        "start_0": ["08:00", "14:00"],
        "end_0": ["12:00", "19:00"],
        "start_4": ["", "10:00"],
        "end_4": ["", "16:00"],
    }
    response = pro_client.post(reverse("pros:settings_hours"), data)
    assert response.status_code == 302
    hours = list(
        WorkingHours.objects.filter(pro=pro_client.pro).values_list(
            "weekday", "start_time", "end_time"
        )
    )
    assert [(d, s.hour, e.hour) for d, s, e in hours] == [(0, 8, 12), (0, 14, 19), (4, 10, 16)]


@pytest.mark.parametrize(
    "data",
    [
        {"start_0": "12:00", "end_0": "08:00"},
        {"start_0": ["08:00", "11:00"], "end_0": ["12:00", "15:00"]},
        {"start_0": "08:00", "end_0": ""},
        {"start_0": "8h", "end_0": "12h"},
    ],
)
def test_hours_bad_input_keeps_previous_hours(client, data):
    pro = ProFactory(hours=[(3, "09:00", "17:00")])
    client.force_login(pro.user)
    response = client.post(reverse("pros:settings_hours"), data)
    assert response.status_code == 400 and _messages(response)
    assert list(pro.working_hours.values_list("weekday", flat=True)) == [3]


def test_hours_row_fragment(pro_client):
    response = pro_client.get(reverse("pros:settings_hours_row") + "?day=3", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'name="start_3"' in response.content
    assert b"<html" not in response.content
    assert pro_client.get(reverse("pros:settings_hours_row") + "?day=9").status_code == 404


def test_time_off_add_delete_and_bad_input(pro_client):
    url = reverse("pros:settings_availability")
    response = pro_client.post(url, {"start_date": "2030-08-15", "end_date": "2030-08-01"})
    assert response.status_code == 400 and _messages(response)
    response = pro_client.post(url, {"start_date": "2001-08-01", "end_date": "2001-08-02"})
    assert response.status_code == 400
    assert not TimeOff.objects.exists()
    response = pro_client.post(
        url, {"start_date": "2030-08-01", "end_date": "2030-08-15", "reason": "Vacances"}
    )
    assert response.status_code == 302
    entry = TimeOff.objects.get(pro=pro_client.pro)
    other = ProFactory()
    other_entry = TimeOff.objects.create(
        pro=other, start_date=entry.start_date, end_date=entry.end_date
    )
    assert (
        pro_client.post(reverse("pros:settings_time_off_delete", args=[other_entry.pk])).status_code
        == 404
    )
    assert TimeOff.objects.filter(pk=other_entry.pk).exists()
    pro_client.post(reverse("pros:settings_time_off_delete", args=[entry.pk]))
    assert not TimeOff.objects.filter(pk=entry.pk).exists()


def test_pause_toggle_with_htmx_returns_the_switch(pro_client):
    url = reverse("pros:settings_pause")
    response = pro_client.post(url, {"paused": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'aria-checked="true"' in response.content
    assert b"<html" not in response.content
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.is_paused
    response = pro_client.post(url, {"paused": "0"})
    assert response.status_code == 302
    pro_client.pro.refresh_from_db()
    assert not pro_client.pro.is_paused
    assert pro_client.get(url).status_code == 405


def test_document_upload_and_bad_files(pro_client, pdf_upload):
    url = reverse("pros:settings_documents")
    response = pro_client.post(
        url, {"kind": "id", "file": pdf_upload(name="id.pdf", data=b"<html>hi</html>")}
    )
    assert response.status_code == 400 and _messages(response)
    response = pro_client.post(url, {"kind": "passport", "file": pdf_upload()})
    assert response.status_code == 400
    response = pro_client.post(url, {"kind": "id"})
    assert response.status_code == 400
    assert not Document.objects.exists()
    response = pro_client.post(url, {"kind": "diploma", "file": pdf_upload(name="diplome.pdf")})
    assert response.status_code == 302
    assert Document.objects.get().kind == "diploma"


def test_bank_details_saved_and_bad_iban_refused(pro_client):
    url = reverse("pros:settings_bank")
    data = {
        "account_holder": "Awa Diallo",
        "iban": "FR14 2004 1010 0505 0001 3M02 607",
        "payout_frequency": "weekly",
    }
    response = pro_client.post(url, data)
    assert response.status_code == 400 and _messages(response)
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.iban == ""
    response = pro_client.post(url, {**data, "iban": "FR14 2004 1010 0505 0001 3M02 606"})
    assert response.status_code == 302
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.iban == "FR1420041010050500013M02606" and pro_client.pro.bic


def test_personal_link_only_after_first_completed_session(pro_client, settings):
    settings.SITE_URL = "https://wecasa.example"
    url = reverse("pros:settings_link")
    page = pro_client.get(url).content.decode()
    assert 'id="link-locked"' in page and "/book/" not in page
    pro_record_completed_session(pro=pro_client.pro)
    page = pro_client.get(url).content.decode()
    assert f"https://wecasa.example/book/{pro_client.pro.slug}" in page


def test_referral_page_shows_code_rule_and_invites(
    pro_client, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("pros:settings_referral")
    page = pro_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert pro_client.pro.referral_code in page and "for cleaning pros only" in page
    response = pro_client.post(url, {"email": "nope"})
    assert response.status_code == 400 and not ReferralInvite.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = pro_client.post(url, {"email": "fatou@example.com", "name": "Fatou"})
    assert response.status_code == 302
    assert mailoutbox[0].to == ["fatou@example.com"]
    response = pro_client.post(url, {"email": "fatou@example.com"})
    assert response.status_code == 400 and ReferralInvite.objects.count() == 1


def test_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/pro/login"})
    assert response.status_code == 302 and response.url == "/pro/login"
    assert b'lang="en"' in client.get("/pro/login").content


# --- documents are private --------------------------------------------------------------------------


@pytest.fixture
def document(pdf_upload):
    pro = ProFactory()
    return document_upload(pro=pro, kind="id", uploaded_file=pdf_upload())


def test_owner_sees_own_document(client, document):
    client.force_login(document.pro.user)
    response = client.get(reverse("pros:document_file", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_pro_and_anonymous_cannot_see_document(client, document):
    url = reverse("pros:document_file", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("pros:login"))
    client.force_login(ProFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.get(url).status_code == 404


def test_staff_with_permission_sees_document(client, document):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_document", content_type__app_label="pros")
    )
    client.force_login(staff)
    assert client.get(reverse("pros:document_file", args=[document.pk])).status_code == 200


def test_document_is_never_under_media(client, document, settings):
    assert not document.file.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018
    client.force_login(document.pro.user)
    page = client.get(reverse("pros:settings_documents")).content.decode()
    assert settings.MEDIA_URL not in page.replace(
        reverse("pros:document_file", args=[document.pk]), ""
    )
    assert client.get("/" + settings.MEDIA_URL + document.file.name).status_code == 404
