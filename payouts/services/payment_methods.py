"""Payment-method set-up: provider calls happen outside the transaction, then we write."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import InvalidInput
from customers.models import Customer, PaymentMethod

from ..gateway import PaymentGateway, SetupIntentResult, get_gateway

_PAYMENT_METHOD_ID = re.compile(r"^pm_[A-Za-z0-9_]{1,60}$")


def customer_gateway_ensure(*, customer: Customer, gateway=None) -> Customer:
    """Make sure the customer exists at the provider and we remember its id."""
    if customer.gateway_customer_id:
        return customer
    gateway = gateway or get_gateway()
    gateway_customer_id = gateway.create_customer(customer=customer)  # idempotent per customer
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if not locked.gateway_customer_id:
            locked.gateway_customer_id = gateway_customer_id
            locked.save(update_fields=["gateway_customer_id"])
            audit(
                action="customer.gateway_linked",
                subject=locked,
                data={"gateway": gateway.name, "gateway_customer_id": gateway_customer_id},
            )
    customer.gateway_customer_id = locked.gateway_customer_id
    return customer


def setup_intent_create(*, customer: Customer) -> tuple[SetupIntentResult, PaymentGateway]:
    """A SetupIntent the app confirms with the card (off-session use). Returns it and the
    gateway used (its name and publishable key go to the app)."""
    gateway = get_gateway()
    customer_gateway_ensure(customer=customer, gateway=gateway)
    # One SetupIntent per card set-up: the attempt number changes once a card is saved, so a
    # retried request gets the same intent (same idempotency key) and a later one a new intent.
    attempt = PaymentMethod.objects.filter(customer=customer).count() + 1
    return gateway.create_setup_intent(customer=customer, attempt=attempt), gateway


def payment_method_save(*, customer: Customer, payment_method_id: str) -> PaymentMethod:
    """Record the card the app confirmed; it becomes the customer's default card (the previous
    default is unset in the same transaction). Saving the same card again only makes it the
    default. Declined or unknown cards write nothing."""
    payment_method_id = (payment_method_id or "").strip()
    if not _PAYMENT_METHOD_ID.match(payment_method_id):
        raise InvalidInput(fields={"payment_method_id": [_("Unknown payment method.")]})
    gateway = get_gateway()
    customer_gateway_ensure(customer=customer, gateway=gateway)
    card = gateway.attach_payment_method(customer=customer, payment_method_id=payment_method_id)

    with transaction.atomic():
        Customer.objects.select_for_update().get(pk=customer.pk)  # serialises a customer's saves
        existing = PaymentMethod.objects.filter(
            gateway=gateway.name, gateway_payment_method_id=card.payment_method_id
        ).first()
        if existing is not None and existing.customer_id != customer.pk:
            raise InvalidInput(fields={"payment_method_id": [_("Unknown payment method.")]})
        PaymentMethod.objects.filter(
            customer=customer, is_default=True, detached_at__isnull=True
        ).exclude(pk=getattr(existing, "pk", None)).update(is_default=False)
        details = {
            "brand": card.brand,
            "last4": card.last4,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "is_default": True,
            "detached_at": None,
        }
        if existing is None:
            method = PaymentMethod.objects.create(
                customer=customer,
                gateway=gateway.name,
                gateway_payment_method_id=card.payment_method_id,
                **details,
            )
        else:
            method = existing
            for field, value in details.items():
                setattr(method, field, value)
            method.save(update_fields=list(details))
        audit(
            action="payment_method.saved",
            subject=method,
            actor=customer.user,
            data={"brand": card.brand, "last4": card.last4, "again": existing is not None},
        )
    return method
