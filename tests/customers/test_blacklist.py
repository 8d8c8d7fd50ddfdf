import pytest

from core.errors import InvalidInput
from core.models import AuditEvent
from customers import selectors, services
from customers.models import Customer
from tests.factories import AddressFactory, CustomerFactory, PaymentMethodFactory, UserFactory


@pytest.fixture
def support():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_blacklist_blocks_booking_and_is_audited(support):
    customer = CustomerFactory()
    selectors.ensure_can_book(customer)  # no error before
    services.customer_blacklist(customer=customer, by=support, reason="Insulting messages")
    customer.refresh_from_db()
    assert customer.is_blacklisted and customer.blacklist_reason == "Insulting messages"
    assert customer.blacklisted_at is not None
    with pytest.raises(selectors.CustomerBlacklisted) as caught:
        selectors.ensure_can_book(customer)
    assert caught.value.code == "customer_blacklisted" and caught.value.status == 403
    event = AuditEvent.objects.get(action="customer.blacklisted")
    assert event.actor == support and event.subject == f"customers.customer:{customer.pk}"
    assert event.data == {"reason": "Insulting messages"}


@pytest.mark.django_db
def test_blacklist_is_idempotent(support):
    customer = CustomerFactory()
    services.customer_blacklist(customer=customer, by=support, reason="first")
    services.customer_blacklist(customer=customer, by=support, reason="second")
    customer.refresh_from_db()
    assert customer.blacklist_reason == "first"
    assert AuditEvent.objects.filter(action="customer.blacklisted").count() == 1


@pytest.mark.django_db
def test_blacklist_needs_a_reason(support):
    customer = CustomerFactory()
    with pytest.raises(InvalidInput):
        services.customer_blacklist(customer=customer, by=support, reason="  ")
    customer.refresh_from_db()
    assert not customer.is_blacklisted
    assert not AuditEvent.objects.filter(action="customer.blacklisted").exists()


@pytest.mark.django_db
def test_unblacklist_lets_the_customer_book_again(support):
    customer = CustomerFactory()
    services.customer_blacklist(customer=customer, by=support, reason="mistake?")
    services.customer_unblacklist(customer=customer, by=support, reason="it was a mistake")
    customer.refresh_from_db()
    assert not customer.is_blacklisted and customer.blacklisted_at is None
    selectors.ensure_can_book(customer)
    event = AuditEvent.objects.get(action="customer.unblacklisted")
    assert event.data == {"reason": "it was a mistake", "previous_reason": "mistake?"}
    services.customer_unblacklist(customer=customer, by=support)
    assert AuditEvent.objects.filter(action="customer.unblacklisted").count() == 1


@pytest.mark.django_db
def test_admin_blacklist_action_calls_the_service(admin_client):
    target, other = CustomerFactory(), CustomerFactory()
    # First the reason page (core.admin.reason_action), then its submission.
    response = admin_client.post(
        "/admin/customers/customer/", {"action": "blacklist", "_selected_action": [target.pk]}
    )
    assert response.status_code == 200 and b'name="reason"' in response.content
    response = admin_client.post(
        "/admin/customers/customer/",
        {
            "action": "blacklist",
            "_selected_action": [target.pk],
            "apply": "1",
            "reason": "Harassed a pro",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    other.refresh_from_db()
    assert target.is_blacklisted and target.blacklist_reason == "Harassed a pro"
    assert not other.is_blacklisted
    assert AuditEvent.objects.filter(
        action="customer.blacklisted", subject=f"customers.customer:{target.pk}"
    ).exists()

    response = admin_client.post(
        "/admin/customers/customer/",
        {"action": "unblacklist", "_selected_action": [target.pk], "apply": "1", "reason": ""},
    )
    target.refresh_from_db()
    assert not target.is_blacklisted


@pytest.mark.django_db
def test_admin_blacklist_action_without_reason_changes_nothing(admin_client):
    target = CustomerFactory()
    response = admin_client.post(
        "/admin/customers/customer/",
        {"action": "blacklist", "_selected_action": [target.pk], "apply": "1", "reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    # French by default: the message is the translation of the English msgid.
    assert shown == ["Indiquez le motif de la mise sur liste noire."]
    target.refresh_from_db()
    assert not target.is_blacklisted


@pytest.mark.django_db
def test_admin_lists_search_and_filter(admin_client):
    customer = CustomerFactory(user__email="findme@example.com", is_blacklisted=True)
    AddressFactory(customer=customer, city="Lyon")
    PaymentMethodFactory(customer=customer, last4="1881")
    CustomerFactory(user__email="other@example.com")
    page = admin_client.get("/admin/customers/customer/?q=findme").content.decode()
    assert "findme@example.com" in page and "other@example.com" not in page
    page = admin_client.get("/admin/customers/customer/?is_blacklisted__exact=1").content.decode()
    assert "findme@example.com" in page and "other@example.com" not in page
    assert admin_client.get(f"/admin/customers/customer/{customer.pk}/change/").status_code == 200
    assert "Lyon" in admin_client.get("/admin/customers/address/?q=findme").content.decode()
    assert "1881" in admin_client.get("/admin/customers/paymentmethod/?q=findme").content.decode()
    # The blacklist flag is not editable by hand (only through the audited actions).
    admin_client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        {
            "is_blacklisted": "",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "payment_methods-TOTAL_FORMS": "0",
            "payment_methods-INITIAL_FORMS": "0",
        },
    )
    assert Customer.objects.get(pk=customer.pk).is_blacklisted


@pytest.mark.django_db
def test_admin_adds_a_customer_profile_through_the_service(admin_client):
    user = UserFactory()
    response = admin_client.post(
        "/admin/customers/customer/add/",
        {
            "user": user.pk,
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "payment_methods-TOTAL_FORMS": "0",
            "payment_methods-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(user=user)
    assert AuditEvent.objects.filter(
        action="customer.created", subject=f"customers.customer:{customer.pk}"
    ).exists()
    assert admin_client.get(f"/admin/customers/customer/{customer.pk}/change/").status_code == 200
