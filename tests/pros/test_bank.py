"""Bank page: once saved, the IBAN is only ever shown masked (the field holds the mask, and
saving the mask unchanged keeps the stored IBAN); each error is shown once, all at once."""

import re

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from pros import services
from pros.services.bank import mask_iban
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db

IBAN = "FR1420041010050500013M02606"
IBAN_GROUPED = "FR14 2004 1010 0505 0001 3M02 606"
OTHER_IBAN = "DE89370400440532013000"
MASKED = "FR14 •••• •••• •••• •••• •••2 606"


@pytest.fixture
def pro_client(client):
    pro = ProFactory()
    services.pro_set_bank_details(
        pro=pro, iban=IBAN, account_holder="Awa Diallo", payout_frequency="weekly"
    )
    pro.refresh_from_db()
    client.force_login(pro.user)
    client.pro = pro
    return client


def _iban_input_value(page: str) -> str:
    return re.search(r'<input[^>]*name="iban"[^>]*value="([^"]*)"', page).group(1)


def _assert_iban_not_shown(page: str, iban: str = IBAN) -> None:
    compact = page.replace(" ", "")
    assert iban not in compact
    assert iban[4:-4] not in compact  # not even the hidden middle


def test_mask_keeps_country_check_digits_and_last_four():
    assert mask_iban(IBAN) == MASKED
    assert mask_iban(IBAN_GROUPED.lower()) == MASKED
    assert mask_iban("DE89370400440532013000") == "DE89 •••• •••• •••• ••30 00"
    assert mask_iban("") == ""


def test_page_shows_the_iban_masked_only(pro_client):
    page = pro_client.get(reverse("pros:settings_bank")).content.decode()
    assert _iban_input_value(page) == MASKED
    assert page.count(MASKED) == 2  # the summary and the field
    _assert_iban_not_shown(page)


def test_saving_the_mask_unchanged_keeps_the_stored_iban(pro_client):
    bic = pro_client.pro.bic
    data = {"account_holder": "Awa Diallo", "iban": MASKED, "payout_frequency": "monthly"}
    response = pro_client.post(reverse("pros:settings_bank"), data)
    assert response.status_code == 302
    pro_client.pro.refresh_from_db()
    assert (pro_client.pro.iban, pro_client.pro.bic) == (IBAN, bic)
    assert pro_client.pro.payout_frequency == "monthly"
    page = pro_client.get(reverse("pros:settings_bank")).content.decode()
    _assert_iban_not_shown(page)


def test_a_new_iban_replaces_the_old_and_is_masked_after_saving(pro_client):
    data = {"account_holder": "Awa Diallo", "iban": OTHER_IBAN, "payout_frequency": "weekly"}
    response = pro_client.post(reverse("pros:settings_bank"), data, follow=True)
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.iban == OTHER_IBAN
    page = response.content.decode()
    assert _iban_input_value(page) == mask_iban(OTHER_IBAN)
    _assert_iban_not_shown(page, OTHER_IBAN)


def test_a_partly_edited_mask_is_refused_once(pro_client):
    data = {
        "account_holder": "Awa Diallo",
        "iban": MASKED.replace("606", "607"),
        "payout_frequency": "weekly",
    }
    response = pro_client.post(reverse("pros:settings_bank"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Saisissez votre nouvel IBAN en entier.") == 1
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.iban == IBAN


def test_each_error_shown_once_and_all_at_once(pro_client):
    data = {
        "account_holder": "Awa Diallo",
        "iban": "FR14 2004 1010 0505 0001 3M02 607",
        "bic": "NOPE",
        "payout_frequency": "weekly",
    }
    response = pro_client.post(reverse("pros:settings_bank"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Cet IBAN n&#x27;est pas valide.") == 1
    assert page.count("Ce BIC n&#x27;est pas valide.") == 1
    assert [str(m) for m in response.context["messages"]] == [
        "Veuillez corriger les erreurs ci-dessous."
    ]
    pro_client.pro.refresh_from_db()
    assert pro_client.pro.iban == IBAN


def test_a_form_error_is_shown_once(pro_client):
    data = {"account_holder": "", "iban": MASKED, "payout_frequency": "weekly"}
    response = pro_client.post(reverse("pros:settings_bank"), data)
    assert response.status_code == 400
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    assert len(errors) == 1


def test_service_collects_every_problem():
    pro = ProFactory()
    with pytest.raises(InvalidInput) as caught:
        services.pro_set_bank_details(
            pro=pro, iban="XX00", bic="NOPE", account_holder="", payout_frequency="daily"
        )
    assert set(caught.value.fields) == {"iban", "bic", "account_holder", "payout_frequency"}
