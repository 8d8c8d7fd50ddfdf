"""Idempotent, deterministic demo world (see README "Demo accounts").

Everything ordinary goes through the same services the UI and API call. The one exception is
the *past* history (completed sessions of customer1 with pro1..pro3): no service may create a
booking in the past (the 2-hour rule), so those rows are written directly here, each with a
`seeded_history` BookingEvent so the timeline says where they came from, then completed with
`booking_mark_completed` so the pros' counters (and personal links) follow the normal path.

It lives in `wecasa`, above every app, because it uses them all (down to payouts' cards).
"""

import math
from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from schwifty import IBAN

from bookings import events
from bookings import services as booking_services
from bookings.models import Booking, BookingRequest, Favorite, Proposal
from bookings.rules import booking_deadline
from catalog.models import Service
from checkin.demo import seed_checkin_sessions
from core import clock
from customers import services as customer_services
from customers.models import Address, Customer
from payouts import services as payout_services
from payouts.demo import seed_money_history
from pros import services as pro_services
from pros.models import Document, Pro
from pros.scoring.demo import seed_score_history
from wecasa.roles import ensure_support_group

PASSWORD = "demo1234"
PARIS_CENTRE = (48.8566, 2.3522)
PRO_COUNT = 10

PRO_NAMES = [
    ("Amina", "Benali"),
    ("Julien", "Moreau"),
    ("Sophie", "Lefèvre"),
    ("Karim", "Haddad"),
    ("Claire", "Dubois"),
    ("Moussa", "Diallo"),
    ("Léa", "Garnier"),
    ("Thomas", "Roux"),
    ("Inès", "Fontaine"),
    ("Nicolas", "Petit"),
]
CUSTOMERS = [
    (
        "Camille",
        "Martin",
        "12 rue de Rivoli",
        "75004",
        "Paris",
        Decimal("48.855800"),
        Decimal("2.358500"),
    ),
    (
        "Hugo",
        "Bernard",
        "8 rue Montorgueil",
        "75001",
        "Paris",
        Decimal("48.863900"),
        Decimal("2.347000"),
    ),
    (
        "Chloé",
        "Durand",
        "25 boulevard Saint-Germain",
        "75005",
        "Paris",
        Decimal("48.850200"),
        Decimal("2.353100"),
    ),
]
# A minimal valid PDF, enough for the document checks (real type sniffed from the bytes).
DEMO_ID_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pro_base(index: int) -> tuple[Decimal, Decimal]:
    """Spread pros on a circle 0.5-2.9 km around central Paris, deterministically."""
    radius_km = 0.5 + 0.27 * index
    angle = 2 * math.pi * index / PRO_COUNT
    lat = PARIS_CENTRE[0] + (radius_km / 111.32) * math.sin(angle)
    lng = PARIS_CENTRE[1] + (
        radius_km / (111.32 * math.cos(math.radians(PARIS_CENTRE[0])))
    ) * math.cos(angle)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


class Command(BaseCommand):
    help = "Create (or bring back) the demo pros, customers, support user and history. Idempotent."

    def handle(self, *args, **options):
        support = self._support()
        pros = [self._pro(index, support) for index in range(PRO_COUNT)]
        customers = [self._customer(index) for index in range(len(CUSTOMERS))]
        self._history(customers[0], pros[:3], support)
        seed_money_history(
            pros=pros[:4], customers=customers[1:], past_booking=self._past_booking, support=support
        )
        seed_checkin_sessions(
            pros=pros, customers=customers, past_booking=self._past_booking, log=self.stdout.write
        )
        seed_score_history(pros=pros, now=clock.now())  # 12 weeks, for My score and simulations
        self._access_details(customers[1], pros[0])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(pros)} active pros (pro1..pro{len(pros)}@example.com), "
                f"{len(customers)} customers (customer1..{len(customers)}@example.com), "
                f"support@example.com; password {PASSWORD!r}."
            )
        )

    def _user(self, email, first_name, last_name, phone, **extra):
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=PASSWORD,
                first_name=first_name,
                last_name=last_name,
                phone=phone,
                **extra,
            )
        return user

    def _support(self):
        group = ensure_support_group()
        user = self._user("support@example.com", "Sam", "Support", "+33100000000", is_staff=True)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group)
        return user

    def _pro(self, index: int, support) -> Pro:
        number = index + 1
        first, last = PRO_NAMES[index]
        email = f"pro{number}@example.com"
        user = self._user(email, first, last, f"+336100000{number:02d}")
        pro = Pro.objects.filter(user=user).first()
        if pro is None:
            pro = pro_services.pro_signup(terms_accepted=True, user=user)
        lat, lng = _pro_base(index)
        services = list(Service.objects.active())
        if set(pro.services.values_list("pk", flat=True)) != {s.pk for s in services}:
            pro_services.pro_set_services(pro=pro, services=services)
        if pro.working_hours.count() != 7:
            pro_services.pro_set_working_hours(
                pro=pro, ranges=[(day, time(7), time(22)) for day in range(7)]
            )
        if pro.base_lat != lat or pro.base_lng != lng or pro.radius_km != 10:
            pro_services.pro_set_zone(
                pro=pro, base_address=f"Paris (démo {number})", lat=lat, lng=lng, radius_km=10
            )
        if not pro.documents.filter(
            kind=Document.Kind.ID, status=Document.Status.VERIFIED
        ).exists():
            document = pro_services.document_upload(
                pro=pro,
                kind=Document.Kind.ID,
                uploaded_file=SimpleUploadedFile(
                    f"id-pro{number}.pdf", DEMO_ID_PDF, "application/pdf"
                ),
            )
            pro_services.document_verify(document=document, by=support)
        pro.refresh_from_db()
        if not pro.iban:
            iban = IBAN.generate(
                "FR", bank_code="3000600001", account_code=f"{1234567890 + number:011d}"
            )
            pro_services.pro_set_bank_details(
                pro=pro, iban=str(iban), account_holder=f"{first} {last}", payout_frequency="weekly"
            )
        if pro.is_paused:
            pro_services.pro_set_paused(pro=pro, paused=False)
        pro.refresh_from_db()
        if pro.status == Pro.Status.SUSPENDED:
            pro = pro_services.pro_reactivate(pro=pro, by=support)
        pro = pro_services.pro_refresh_status(pro=pro)
        if pro.status != Pro.Status.ACTIVE:
            raise RuntimeError(f"demo pro {email} is not active: {pro.status}")
        return pro

    def _customer(self, index: int) -> Customer:
        number = index + 1
        first, last, street, postal_code, city, lat, lng = CUSTOMERS[index]
        email = f"customer{number}@example.com"
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            customer = customer_services.customer_register(
                email=email,
                password=PASSWORD,
                first_name=first,
                last_name=last,
                phone=f"+336200000{number:02d}",
            )
        else:
            customer = Customer.objects.filter(
                user=user
            ).first() or customer_services.customer_create_for_user(user=user)
        if not Address.objects.active().filter(customer=customer).exists():
            customer_services.address_create(
                customer=customer,
                label="Maison",
                street=street,
                postal_code=postal_code,
                city=city,
                lat=lat,
                lng=lng,
            )
        if not customer.payment_methods.filter(detached_at__isnull=True).exists():
            payout_services.payment_method_save(customer=customer, payment_method_id="pm_card_visa")
        return customer

    def _history(self, customer: Customer, pros: list[Pro], support) -> None:
        """Completed past sessions of customer1 with pro1..pro3; pro1 is their favourite."""
        address = Address.objects.active().filter(customer=customer).order_by("pk").first()
        service = Service.objects.get(slug="menage-3h")
        for weeks_ago, pro in zip((6, 4, 2), pros, strict=True):
            day = clock.today() - timedelta(weeks=weeks_ago)
            start = clock.paris_datetime(day, time(10, 0))
            if Booking.objects.filter(customer=customer, pro=pro, start=start).exists():
                continue
            booking = self._past_booking(
                customer=customer, pro=pro, service=service, address=address, start=start
            )
            booking_services.booking_mark_completed(booking=booking, by=support)
        favourite = pros[0]
        if not Favorite.objects.filter(customer=customer, pro=favourite).exists():
            booking_services.favorite_add(customer=customer, pro=favourite)

    def _access_details(self, customer: Customer, pro: Pro) -> None:
        """customer2's coming sessions with pro1 carry notes (every pro offered it reads them)
        and access details (only pro1, the booked pro, reads them on the booking page)."""
        BookingRequest.objects.filter(
            customer=customer,
            booking__pro=pro,
            booking__status=Booking.Status.CONFIRMED,
            start__gt=clock.now(),
        ).update(
            notes="Le chat reste à l'intérieur : merci de bien fermer les portes.",
            access_details="Code 4821B, bâtiment B, 3e étage gauche, interphone « Martin ».",
        )

    @transaction.atomic
    def _past_booking(self, *, customer, pro, service, address, start) -> Booking:
        request = BookingRequest.objects.create(
            customer=customer,
            service=service,
            address=address,
            start=start,
            end=start + timedelta(minutes=service.duration_minutes),
            status=BookingRequest.Status.CONFIRMED,
            booking_deadline=booking_deadline(start),
            created_at=start - timedelta(days=3),
            closed_at=start - timedelta(days=3),
            **service.price_snapshot(),
        )
        Proposal.objects.create(
            request=request,
            pro=pro,
            status=Proposal.Status.ACCEPTED,
            sent_at=start - timedelta(days=3),
            expires_at=start - timedelta(days=3) + timedelta(hours=1),
            answered_at=start - timedelta(days=3) + timedelta(minutes=12),
        )
        booking = Booking.for_request(request, pro=pro, created_at=start - timedelta(days=3))
        booking.save(force_insert=True)
        events.seeded_history(request=request, booking=booking)
        return booking
