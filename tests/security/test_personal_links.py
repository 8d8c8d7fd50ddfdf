"""Personal links (issue 7, item 14): `/book/amina-b` was guessable, so anyone could read any
pro's free slots. A link is now the readable part plus 80 random bits; a pro can reset it from
the link settings page (the old link stops working at once, audited); existing pros were
migrated."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from pros import services
from pros.models import Pro
from tests.factories import CustomerFactory, ProFactory, UserFactory
from tests.migration_steps import migrate_back, migrate_to_latest

pytestmark = pytest.mark.django_db

# readable part, then 16 base32 characters (80 bits)
LINK = re.compile(r"^(?P<base>[a-z0-9-]+)-(?P<secret>[a-z2-7]{16})$")


def _signup(first_name="Amina", last_name="Benali") -> Pro:
    user = UserFactory(first_name=first_name, last_name=last_name)
    return services.pro_signup(terms_accepted=True, user=user, phone="+33612345678")


def _live(pro: Pro) -> Pro:
    Pro.objects.filter(pk=pro.pk).update(completed_sessions_count=1, status="active")
    pro.refresh_from_db()
    return pro


def test_a_new_link_is_readable_then_unguessable():
    pros = [_signup() for _ in range(3)]
    for pro in pros:
        match = LINK.match(pro.slug)
        assert match, pro.slug
        assert match["base"] == "amina-b"
    assert len({pro.slug for pro in pros}) == 3
    assert LINK.match(services.new_personal_link_slug("", ""))["base"] == "pro"
    long = services.new_personal_link_slug("É" * 80, "Ü")
    assert len(long) <= Pro._meta.get_field("slug").max_length and LINK.match(long)


def test_the_guessable_link_opens_nothing(client, api_client):
    pro = _live(_signup())
    assert client.get("/book/amina-b").status_code == 404
    assert client.get(f"/book/{pro.slug}").status_code == 200
    api_client.force_authenticate(CustomerFactory().user)
    assert api_client.get("/api/v1/pros/by-link/amina-b").status_code == 404
    assert api_client.get(f"/api/v1/pros/by-link/{pro.slug}").status_code == 200


def test_the_pro_resets_the_link_and_the_old_one_dies(client, api_client):
    pro = _live(_signup())
    old = pro.slug
    client.force_login(pro.user)
    page = client.get(reverse("pros:settings_link"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/book/{old}" in page and 'id="link-reset"' in page

    response = client.post(reverse("pros:settings_link"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200
    pro.refresh_from_db()
    assert pro.slug != old and LINK.match(pro.slug)
    page = response.content.decode()
    assert f"/book/{pro.slug}" in page and "The old one no longer works" in page

    assert client.get(f"/book/{old}").status_code == 404
    assert client.get(f"/book/{pro.slug}").status_code == 200
    api_client.force_authenticate(CustomerFactory().user)
    assert api_client.get(f"/api/v1/pros/by-link/{old}").status_code == 404
    event = AuditEvent.objects.get(action="pro.personal_link_reset")
    assert event.actor_id == pro.user_id and event.data == {"old": old}


def test_reset_needs_post_by_the_pro_and_csrf(client):
    pro = _live(_signup())
    old = pro.slug
    client.force_login(ProFactory().user)  # another pro resets only their own link
    client.post(reverse("pros:settings_link"))
    pro.refresh_from_db()
    assert pro.slug == old
    client.logout()
    response = client.post(reverse("pros:settings_link"))
    assert response.status_code == 302 and "login" in response.url
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(pro.user)
    assert strict.post(reverse("pros:settings_link")).status_code == 403
    pro.refresh_from_db()
    assert pro.slug == old


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_pros_are_migrated_to_unguessable_links():
    old = migrate_back(("pros", "0002_suspension_stored_once"))
    User, OldPro = old.get_model("core", "User"), old.get_model("pros", "Pro")
    rows = []
    for n, (first, last) in enumerate([("Amina", "Benali"), ("Amina", "Bakri"), ("", "")]):
        user = User.objects.create(
            email=f"p{n}@example.com", password="!", first_name=first, last_name=last
        )
        slug = f"amina-b-{n}" if n else "amina-b"
        rows.append(
            OldPro.objects.create(
                user=user, slug=slug, referral_code=f"R{n}", terms_accepted_at="2026-01-01T00:00Z"
            )
        )

    migrate_to_latest()
    slugs = {pro.pk: pro.slug for pro in Pro.objects.all()}
    assert LINK.match(slugs[rows[0].pk])["base"] == "amina-b"
    assert LINK.match(slugs[rows[1].pk])["base"] == "amina-b"
    assert LINK.match(slugs[rows[2].pk])["base"] == "pro"
    assert len(set(slugs.values())) == 3
