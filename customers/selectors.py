"""Reads about customers, including the checks other apps (bookings) rely on."""

from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed, NotFound

from .models import Address, Customer, PaymentMethod


class NotACustomer(NotAllowed):
    code = "not_a_customer"
    default_message = _("This account has no customer profile.")


class CustomerBlacklisted(NotAllowed):
    code = "customer_blacklisted"
    default_message = _("Your account can no longer book sessions. Please contact support.")


def customer_for(user) -> Customer:
    """The user's customer profile, or 403 `not_a_customer` (e.g. a pro who never registered as
    a customer; they can get a profile with POST /api/v1/me/customer)."""
    if user is None or not user.is_authenticated:
        raise NotACustomer()
    try:
        return Customer.objects.select_related("user").get(user=user)
    except Customer.DoesNotExist:
        raise NotACustomer() from None


def customer_or_none(user) -> Customer | None:
    """The user's customer profile if they have one (no error: for "what am I" answers)."""
    return Customer.objects.filter(user_id=user.pk).first()


def is_customer(user) -> bool:
    return Customer.objects.filter(user_id=user.pk).exists()


def ensure_can_book(customer: Customer) -> None:
    """Raise 403 `customer_blacklisted` for a blacklisted customer; every booking call uses it."""
    if customer.is_blacklisted:
        raise CustomerBlacklisted()


def has_payment_method(customer: Customer) -> bool:
    return active_payment_methods(customer).exists()


def active_payment_methods(customer: Customer):
    return PaymentMethod.objects.filter(customer=customer, detached_at__isnull=True).order_by(
        "-is_default", "-created_at", "-id"
    )


def default_payment_method(customer: Customer) -> PaymentMethod | None:
    return active_payment_methods(customer).filter(is_default=True).first()


def address_list(customer: Customer):
    return Address.objects.active().filter(customer=customer).order_by("-created_at", "-id")


def address_get(*, customer: Customer, address_id) -> Address:
    """The customer's own, not deleted, address; 404 for anyone else's (as if it did not exist)."""
    try:
        return address_list(customer).get(pk=address_id)
    except (Address.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
