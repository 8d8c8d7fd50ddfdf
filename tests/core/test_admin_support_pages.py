"""The support admin as support reads it: in French, under the product's name, every page
rendering for the Support role, object titles in Paris time with words, a customer's page
listing their requests and bookings, IBANs never shown in full."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from bookings.models import Booking, BookingRequest
from catalog.models import Service
from payouts.models import PayoutAccount
from pros.services.bank import mask_iban
from tests.factories import TEST_IBAN, ProFactory, UserFactory, booking_customer, booking_row
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 13:00 UTC = 14:00 in Paris (winter, UTC+1).
START = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def support(db):
    ensure_support_group()
    user = UserFactory(email="agent@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Support"))
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(user)
    return client


@pytest.fixture
def history(time_machine):
    """customer1 with a confirmed 2-hour cleaning booked with a pro (whose IBAN is on file and
    synced to the provider), and a second, still open request."""
    time_machine.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=UTC), tick=False)
    customer, address = booking_customer()
    customer.user.email = "customer1@example.com"
    customer.user.save(update_fields=["email"])
    pro = ProFactory(
        active=True,
        user=UserFactory(first_name="Nadia", last_name="Benali", email="pro1@example.com"),
    )
    menage = Service.objects.get(slug="menage-2h")
    booking = booking_row(pro=pro, customer=customer, address=address, service=menage, start=START)
    open_request = BookingRequest.objects.create(
        customer=customer,
        address=address,
        service=menage,
        start=datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
        end=datetime(2026, 12, 9, 11, 0, tzinfo=UTC),
        booking_deadline=datetime(2026, 12, 9, 7, 0, tzinfo=UTC),
        **menage.price_snapshot(),
    )
    PayoutAccount.objects.create(
        pro=pro, gateway="fake", gateway_account_id="acct_demo", synced_iban=TEST_IBAN
    )
    return {"customer": customer, "pro": pro, "booking": booking, "open_request": open_request}


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_header_and_app_names_name_the_product_in_french(support):
    html = _html(support, reverse("admin:index"))
    assert "Wecasa — support" in html
    assert "Django administration" not in html and "Administration de Django" not in html
    apps = ("Demandes et réservations", "Clients", "Pros", "Paiements et virements", "Catalogue")
    for app_name in apps:
        assert app_name in html


def test_every_admin_page_support_may_see_renders(support, history):
    """Each registered model support may view: its list, and the change page of a row."""
    checked = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label in {"auth"}:
            continue
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        response = support.get(changelist)
        if response.status_code == 403:  # not part of the Support role
            continue
        assert response.status_code == 200, (changelist, response.status_code)
        row = model_admin.get_queryset(response.wsgi_request).first()
        if row is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
            assert support.get(change).status_code == 200, change
        checked += 1
    assert checked >= 15


def test_list_filters_and_columns_are_in_french(support, history):
    html = _html(support, reverse("admin:bookings_bookingrequest_changelist"))
    assert "Par statut" in html and "Par origine" in html
    html = _html(
        support, reverse("admin:bookings_bookingrequest_change", args=[history["open_request"].pk])
    )
    assert "À confirmer avant le" in html


def test_titles_say_what_when_in_paris_time_and_for_whom(history):
    booking = Booking.objects.select_related("service", "customer__user", "pro__user").get()
    with translation.override("fr"):
        assert str(booking.request) == "Ménage à domicile 2 h, mer. 2 déc. 14:00, customer1"
        assert "13:00" not in str(booking)
        assert str(booking).endswith("mer. 2 déc. 14:00, customer1, Nadia Benali")
    with translation.override("en"):
        assert "Wed 2 Dec 14:00" in str(booking)


def test_customer_page_lists_their_requests_and_bookings_with_links(support, history):
    customer, booking = history["customer"], history["booking"]
    html = _html(support, reverse("admin:customers_customer_change", args=[customer.pk]))
    assert "Demandes et réservations" in html
    assert reverse("admin:bookings_booking_change", args=[booking.pk]) in html
    assert reverse("admin:bookings_bookingrequest_change", args=[booking.request_id]) in html
    open_request = history["open_request"]
    assert reverse("admin:bookings_bookingrequest_change", args=[open_request.pk]) in html
    assert "mer. 2 déc. 14:00" in html and "Nadia Benali" in html
    assert f"?customer__id__exact={customer.pk}" in html  # "see all" links
    all_requests = _html(
        support,
        reverse("admin:bookings_bookingrequest_changelist") + f"?customer__id__exact={customer.pk}",
    )
    assert "2 demandes de réservation" in all_requests or "2 booking requests" in all_requests


def test_ibans_are_masked_for_support(support, history):
    pro = history["pro"]
    masked = mask_iban(TEST_IBAN)
    pages = [
        reverse("admin:pros_pro_change", args=[pro.pk]),
        reverse("admin:payouts_payoutaccount_changelist"),
        reverse("admin:payouts_payoutaccount_change", args=[PayoutAccount.objects.get(pro=pro).pk]),
    ]
    for url in pages:
        html = _html(support, url)
        assert TEST_IBAN not in html and TEST_IBAN[4:20] not in html, url
        assert masked in html, url


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "bookings_bookingrequest_changelist",
        "bookings_booking_changelist",
        "bookings_proposal_changelist",
        "bookings_bookingevent_changelist",
    ],
)
def test_human_titles_cost_no_query_per_row(support, history, name):
    """Titles name the service, the customer and the pro: lists load them with the rows."""
    from bookings.models import BookingEvent, Proposal

    url = reverse(f"admin:{name}")
    _queries(support, url)  # warm: the first page of a session also loads permissions, types
    before = _queries(support, url)
    menage = Service.objects.get(slug="menage-2h")
    for day in range(3, 8):
        start = datetime(2026, 12, day, 9, 0, tzinfo=UTC)
        customer, address = booking_customer()
        booking = booking_row(
            pro=ProFactory(bare_active=True), customer=customer, address=address,
            service=menage, start=start,
        )  # fmt: skip
        Proposal.objects.create(
            request=booking.request, pro=booking.pro, status="accepted", expires_at=start
        )
        BookingEvent.objects.create(request=booking.request, booking=booking, kind="seeded")
    assert _queries(support, url) == before
