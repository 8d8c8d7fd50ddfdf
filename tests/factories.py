"""Factories per model. Each app's section is kept together; add yours at the end of it."""

import factory
from django.contrib.auth import get_user_model

# --- core -----------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    phone = factory.Sequence(lambda n: f"+3361234{n:04d}")
    password = factory.django.Password("demo1234")


# --- catalog --------------------------------------------------------------------------------


def _category(slug):
    from catalog.models import Category

    return Category.objects.get(slug=slug)


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service in an existing category (the catalogue's categories come from a data migration)."""

    class Meta:
        model = "catalog.Service"

    category = factory.LazyFunction(lambda: _category("cleaning"))
    slug = factory.Sequence(lambda n: f"test-service-{n}")
    name_fr = factory.Sequence(lambda n: f"Service de test {n}")
    name_en = factory.Sequence(lambda n: f"Test service {n}")
    duration_minutes = 120
    base_price_cents = 5000


# --- customers ------------------------------------------------------------------------------


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Customer"

    user = factory.SubFactory(UserFactory)


def _cell_of(lat, lng):
    from core.geo import cell_of

    return cell_of(lat, lng)


class AddressFactory(factory.django.DjangoModelFactory):
    """Central Paris by default; h3_cell computed like customers.services.address_create does."""

    class Meta:
        model = "customers.Address"

    customer = factory.SubFactory(CustomerFactory)
    street = factory.Sequence(lambda n: f"{n + 1} rue de Rivoli")
    postal_code = "75001"
    city = "Paris"
    lat = 48.8566
    lng = 2.3522
    h3_cell = factory.LazyAttribute(lambda o: _cell_of(o.lat, o.lng))


class PaymentMethodFactory(factory.django.DjangoModelFactory):
    """A saved card (fake gateway), default for its customer."""

    class Meta:
        model = "customers.PaymentMethod"

    customer = factory.SubFactory(CustomerFactory)
    gateway = "fake"
    gateway_payment_method_id = factory.Sequence(lambda n: f"pm_fake_{n}")
    brand = "visa"
    last4 = "4242"
    exp_month = 12
    exp_year = 2034
    is_default = True


# --- bookings -------------------------------------------------------------------------------


class BookingsProFactory(factory.django.DjangoModelFactory):
    """An active, ID-verified pro (no zone yet: use `dispatchable_pro` for one that receives
    proposals). Kept here until the pros section's ProFactory covers it."""

    class Meta:
        model = "pros.Pro"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    status = "active"
    slug = factory.Sequence(lambda n: f"dispatch-pro-{n}")
    referral_code = factory.Sequence(lambda n: f"DSP{n:07d}")
    terms_accepted_at = factory.LazyFunction(lambda: __import__("django.utils.timezone").utils.timezone.now())
    id_verified_at = factory.LazyFunction(lambda: __import__("django.utils.timezone").utils.timezone.now())


def dispatchable_pro(
    *,
    lat=48.8566,
    lng=2.3522,
    radius_km=10,
    services=(),
    hours=((0, 7, 22), (1, 7, 22), (2, 7, 22), (3, 7, 22), (4, 7, 22), (5, 7, 22), (6, 7, 22)),
    score=None,
    **fields,
):
    """A pro who receives proposals: active, verified, offering `services`, working
    `hours` ((weekday, from hour, to hour), Paris wall-clock), zone around (lat, lng)."""
    from datetime import time

    from pros.models import WorkingHours
    from pros.services import pro_refresh_dispatch_index, pro_set_zone

    if score is not None:
        fields["score"] = score
    pro = BookingsProFactory(**fields)
    pro.services.set(services)
    WorkingHours.objects.bulk_create(
        WorkingHours(pro=pro, weekday=day, start_time=time(start), end_time=time(end) if end < 24 else time(23, 59))
        for day, start, end in hours
    )
    pro_set_zone(pro=pro, base_address="base", lat=lat, lng=lng, radius_km=radius_km)
    pro_refresh_dispatch_index(pro=pro)
    return pro


def booking_customer(*, lat=48.8566, lng=2.3522, card=True):
    """A customer with an address at (lat, lng) and, unless `card=False`, a saved card."""
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, lat=lat, lng=lng)
    if card:
        PaymentMethodFactory(customer=customer)
    return customer, address


def booking_request_row(*, customer, address, service, start, status="dispatching", **fields):
    """A BookingRequest row written directly (no dispatch), with its price snapshot."""
    from datetime import timedelta

    from django.conf import settings

    from bookings.models import BookingRequest

    pricing = service.pricing()
    fields.setdefault("end", start + timedelta(minutes=service.duration_minutes))
    return BookingRequest.objects.create(
        customer=customer,
        address=address,
        service=service,
        start=start,
        status=status,
        price_cents=pricing.customer_price_cents,
        pro_net_cents=pricing.pro_net_cents,
        platform_share_cents=pricing.platform_share_cents,
        booking_deadline=start - settings.BOOKING_MIN_LEAD,
        **fields,
    )


def booking_row(*, pro, customer, address, service, start, status="confirmed", **fields):
    """A Booking (and its request) written directly, e.g. a completed past session."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from bookings.models import Booking

    end = start + timedelta(minutes=service.duration_minutes)
    request = booking_request_row(
        customer=customer, address=address, service=service, start=start, end=end,
        status="confirmed" if status != "cancelled" else "cancelled",
    )
    return Booking.objects.create(
        request=request,
        pro=pro,
        customer=customer,
        service=service,
        address=address,
        start=start,
        end=end,
        period=DateTimeTZRange(start, end, "[)"),
        busy=DateTimeTZRange(start, end + settings.DISPATCH_TRAVEL_BUFFER, "[)"),
        status=status,
        price_cents=request.price_cents,
        pro_net_cents=request.pro_net_cents,
        platform_share_cents=request.platform_share_cents,
        **fields,
    )
