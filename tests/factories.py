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
    """A pro who receives proposals (ProFactory(active=True) of the pros section), offering
    `services`, working `hours` ((weekday, from hour, to hour), Paris wall-clock), zone around
    (lat, lng)."""
    if score is not None:
        fields["score"] = score
    return ProFactory(
        active=True,
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        services=list(services),
        hours=[
            (day, f"{start:02d}:00", "23:59" if end >= 24 else f"{end:02d}:00")
            for day, start, end in hours
        ],
        **fields,
    )


def booking_customer(*, lat=48.8566, lng=2.3522, card=True):
    """A customer with an address at (lat, lng) and, unless `card=False`, a saved card."""
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, lat=lat, lng=lng)
    if card:
        PaymentMethodFactory(customer=customer)
    return customer, address


def days_ahead_at(days: int, hour: int = 10):
    """Paris `hour`:00, `days` after today by the real clock: a start time that falls inside the
    factories' working hours (7:00-22:00) whenever the test runs ("now + 2 days" does not
    after 20:00 Paris, when a 2-hour session ends past 22:00 and nobody may be asked)."""
    from datetime import time, timedelta

    from core import clock

    return clock.paris_datetime(clock.today() + timedelta(days=days), time(hour))


def booking_request_row(*, customer, address, service, start, status="dispatching", **fields):
    """A BookingRequest row written directly (no dispatch), with its price snapshot."""
    from datetime import timedelta

    from bookings.models import BookingRequest
    from bookings.rules import booking_deadline

    fields.setdefault("end", start + timedelta(minutes=service.duration_minutes))
    return BookingRequest.objects.create(
        customer=customer,
        address=address,
        service=service,
        start=start,
        status=status,
        **service.price_snapshot(),
        booking_deadline=booking_deadline(start),
        **fields,
    )


def booking_row(*, pro, customer, address, service, start, status="confirmed", **fields):
    """A Booking (and its request) written directly, e.g. a completed past session; built
    like every booking row (`Booking.for_request`: ranges and the request's prices)."""
    from bookings.models import Booking

    request = booking_request_row(
        customer=customer,
        address=address,
        service=service,
        start=start,
        status="confirmed" if status != "cancelled" else "cancelled",
    )
    booking = Booking.for_request(request, pro=pro, status=status, **fields)
    booking.save(force_insert=True)
    return booking


# --- pros -----------------------------------------------------------------------------------

PARIS_CENTRE = (48.8566, 2.3522)
TEST_IBAN = "FR1420041010050500013M02606"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _now():
    from django.utils import timezone

    return timezone.now()


def _as_time(value):
    from datetime import time

    return value if isinstance(value, time) else time.fromisoformat(value)


class ProFactory(factory.django.DjangoModelFactory):
    """A pro built through pros.services, like the UI builds one.

    ProFactory()                      -> onboarding pro, nothing set up.
    ProFactory(active=True)           -> ACTIVE, ID verified, dispatchable: zone around central
                                         Paris (10 km), every active service, every day
                                         07:00-22:00 Paris time, an IBAN.
    ProFactory(active=True, lat=48.86, lng=2.34, radius_km=5, services=[svc],
               hours=[(0, "09:00", "12:00"), (0, "14:00", "18:00")], paused=False, score=70)
    ProFactory(bare_active=True)      -> an ACTIVE, ID-verified row written directly, nothing
                                         set up (no zone, services, hours): cheap, for tests
                                         that only need a pro to hold proposals and bookings.
    Without active=True, only what is passed is set up (lat/lng -> zone, services, hours,
    verified=True -> verified ID document, iban=...).
    """

    class Meta:
        model = "pros.Pro"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"pro-{n}")
    referral_code = factory.Sequence(lambda n: f"REF{n:05d}")
    terms_accepted_at = factory.LazyFunction(_now)

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        active=False,
        lat=None,
        lng=None,
        radius_km=None,
        base_address=None,
        services=None,
        hours=None,
        verified=None,
        paused=False,
        iban=None,
        bare_active=False,
        **kwargs,
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from catalog.models import Service
        from pros import services as pro_services
        from pros.models import Document

        if bare_active:
            kwargs.setdefault("status", model_class.Status.ACTIVE)
            kwargs.setdefault("id_verified_at", _now())
            return super()._create(model_class, *args, **kwargs)
        pro = super()._create(model_class, *args, **kwargs)
        if active:
            lat = PARIS_CENTRE[0] if lat is None else lat
            lng = PARIS_CENTRE[1] if lng is None else lng
            radius_km = 10 if radius_km is None else radius_km
            services = list(Service.objects.active()) if services is None else services
            hours = [(day, "07:00", "22:00") for day in range(7)] if hours is None else hours
            verified = True if verified is None else verified
            iban = TEST_IBAN if iban is None else iban
        if services is not None:
            pro_services.pro_set_services(pro=pro, services=services)
        if hours is not None:
            ranges = [(day, _as_time(start), _as_time(end)) for day, start, end in hours]
            pro_services.pro_set_working_hours(pro=pro, ranges=ranges)
        if lat is not None and lng is not None:
            pro_services.pro_set_zone(
                pro=pro,
                base_address=base_address or f"{lat}, {lng}",
                lat=lat,
                lng=lng,
                radius_km=radius_km or 10,
            )
        if verified:
            document = pro_services.document_upload(
                pro=pro,
                kind=Document.Kind.ID,
                uploaded_file=SimpleUploadedFile("id.pdf", MINIMAL_PDF, "application/pdf"),
            )
            pro_services.document_verify(document=document, by=None)
        if iban:
            pro_services.pro_set_bank_details(
                pro=pro,
                iban=iban,
                account_holder=pro.user.get_full_name(),
                payout_frequency=pro.payout_frequency,
            )
        if paused:
            pro_services.pro_set_paused(pro=pro, paused=True)
        pro = pro_services.pro_refresh_status(pro=pro)
        if active:
            assert pro.status == pro.Status.ACTIVE, (
                "ProFactory(active=True) must build an active pro"
            )
        return pro


class DocumentFactory(factory.django.DjangoModelFactory):
    """A pending document with a tiny real PDF in private storage (use document_upload for checks)."""

    class Meta:
        model = "pros.Document"

    pro = factory.SubFactory(ProFactory)
    kind = "id"
    file = factory.django.FileField(filename="id.pdf", data=MINIMAL_PDF)
    original_name = "id.pdf"
    content_type = "application/pdf"
    size_bytes = len(MINIMAL_PDF)
