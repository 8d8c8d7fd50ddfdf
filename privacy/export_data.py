"""What a person's data export contains (GDPR art. 15 and 20): one dictionary, JSON-ready.

Read-only and bounded: one query per section (values() with the joins it needs), whatever
the number of rows, so a long-time customer or pro costs the same number of statements as a
new one. Sections a person has no profile for are absent. Files (ID documents, photos) are
listed, not embedded: the pro sees them in the app.

The other party of a booking appears by first name only (their data is theirs, not yours).
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, F, Q

from bookings.models import Booking, BookingRequest, Favorite
from checkin.models import BillableItem
from core import clock
from customers.models import Address, Customer, PaymentMethod
from feedback.models import Message, Report, Review, SupportMessage
from notifications.models import Notification
from payouts.models import Charge, LedgerEntry, Payout
from pros.models import Document, Pro, TimeOff, WorkingHours

FORMAT_VERSION = 1


def _iso(value):
    return clock.to_paris(value).isoformat() if value is not None else None


def _rows(queryset, *fields, **expressions) -> list[dict]:
    """values() as JSON-ready dicts: dates and datetimes in ISO 8601 (Paris offset for
    datetimes), decimals as strings."""
    rows = []
    for row in queryset.values(*fields, **expressions):
        clean = {}
        for key, value in row.items():
            if isinstance(value, datetime):
                value = clock.to_paris(value).isoformat()
            elif isinstance(value, (date, time)):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            clean[key] = value
        rows.append(clean)
    return rows


def _profile(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def _booking_fields(prefix: str = "") -> dict:
    return {
        "service_name": F(f"{prefix}service__name_fr"),
        "address_street": F(f"{prefix}address__street"),
        "address_postal_code": F(f"{prefix}address__postal_code"),
        "address_city": F(f"{prefix}address__city"),
    }


def _customer_section(customer: Customer) -> dict:
    return {
        "created_at": _iso(customer.created_at),
        "addresses": _rows(
            Address.objects.filter(customer=customer).order_by("pk"),
            "id",
            "label",
            "street",
            "postal_code",
            "city",
            "lat",
            "lng",
            "created_at",
            "deleted_at",
        ),
        "payment_methods": _rows(
            PaymentMethod.objects.filter(customer=customer).order_by("pk"),
            "brand",
            "last4",
            "exp_month",
            "exp_year",
            "created_at",
            "detached_at",
        ),
        "booking_requests": _rows(
            BookingRequest.objects.filter(customer=customer).order_by("pk"),
            "id",
            "start",
            "end",
            "status",
            "notes",
            "price_cents",
            "created_at",
            "closed_at",
            "cancel_reason",
            **_booking_fields(),
        ),
        "bookings": _rows(
            Booking.objects.filter(customer=customer).order_by("pk"),
            "id",
            "request_id",
            "start",
            "end",
            "status",
            "price_cents",
            "created_at",
            "cancelled_at",
            "completed_at",
            pro_first_name=F("pro__user__first_name"),
            **_booking_fields(),
        ),
        "charges": _rows(
            Charge.objects.filter(customer=customer).order_by("pk"),
            "id",
            "booking_id",
            "amount_cents",
            "status",
            "first_due_on",
            "succeeded_at",
            "failed_at",
            "refunded_cents",
            "created_at",
            kind=F("billable__kind"),
        ),
        "favorite_pros": _rows(
            Favorite.objects.filter(customer=customer).order_by("pk"),
            pro_first_name=F("pro__user__first_name"),
        ),
        "reviews_written": _rows(
            Review.objects.filter(customer=customer).order_by("pk"),
            "booking_id",
            "rating",
            "comment",
            "created_at",
            "hidden_at",
        ),
    }


def _pro_section(pro: Pro) -> dict:
    return {
        "created_at": _iso(pro.created_at),
        "status": pro.status,
        "bio": pro.bio,
        "photo": pro.photo.name or None,
        "base_address": pro.base_address,
        "base_lat": str(pro.base_lat) if pro.base_lat is not None else None,
        "base_lng": str(pro.base_lng) if pro.base_lng is not None else None,
        "radius_km": pro.radius_km,
        "services": list(pro.services.order_by("pk").values_list("name_fr", flat=True)),
        "is_paused": pro.is_paused,
        "id_verified_at": _iso(pro.id_verified_at),
        "score": pro.score,
        "referral_code": pro.referral_code,
        "personal_link_slug": pro.slug,
        "bank": {
            "iban": pro.iban,
            "bic": pro.bic,
            "account_holder": pro.account_holder,
            "payout_frequency": pro.payout_frequency,
        },
        "working_hours": _rows(
            WorkingHours.objects.filter(pro=pro).order_by("weekday", "start_time"),
            "weekday",
            "start_time",
            "end_time",
        ),
        "time_off": _rows(
            TimeOff.objects.filter(pro=pro).order_by("start_date"),
            "start_date",
            "end_date",
            "reason",
        ),
        "documents": _rows(
            Document.objects.filter(pro=pro).order_by("pk"),
            "kind",
            "original_name",
            "status",
            "uploaded_at",
            "reviewed_at",
            "rejection_reason",
        ),
        "bookings": _rows(
            Booking.objects.filter(pro=pro).order_by("pk"),
            "id",
            "start",
            "end",
            "status",
            "price_cents",
            "pro_net_cents",
            "created_at",
            "cancelled_at",
            "completed_at",
            customer_first_name=F("customer__user__first_name"),
            **_booking_fields(),
        ),
        "reviews_received": _rows(
            Review.objects.filter(pro=pro, hidden_at__isnull=True).order_by("pk"),
            "booking_id",
            "rating",
            "comment",
            "created_at",
        ),
        "fees": _rows(
            BillableItem.objects.filter(booking__pro=pro).order_by("pk"),
            "booking_id",
            "kind",
            "amount_cents",
            "pro_share_cents",
            "billable_on",
            "waived_at",
        ),
        "earnings": _rows(
            LedgerEntry.objects.filter(pro=pro).order_by("pk"),
            "id",
            "kind",
            "amount_cents",
            "earned_on",
            "reason",
            "created_at",
            payout_id=F("payout_item__payout_id"),
        ),
        "payouts": _rows(
            Payout.objects.filter(pro=pro).order_by("pk"),
            "id",
            "frequency",
            "period_start",
            "period_end",
            "amount_cents",
            "item_count",
            "status",
            "held_reason",
            "arrival_on",
            "sent_at",
            "paid_at",
        ),
    }


def personal_data(user) -> dict:
    """Everything we hold about `user`, for their export. A bounded number of queries (one
    per section; see tests/privacy/test_export.py)."""
    customer = Customer.objects.filter(user=user).first()
    pro = Pro.objects.filter(user=user).first()
    data = {
        "format_version": FORMAT_VERSION,
        "generated_at": clock.to_paris(clock.now()).isoformat(),
        "profile": _profile(user),
    }
    if customer is not None:
        data["customer"] = _customer_section(customer)
    if pro is not None:
        data["pro"] = _pro_section(pro)
    data["messages"] = _rows(
        Message.objects.filter(
            Q(booking__customer__user=user) | Q(booking__pro__user=user)
        ).order_by("pk"),
        "booking_id",
        "sender_side",
        "body",
        "created_at",
        "read_at",
        written_by_me=ExpressionWrapper(Q(sender=user), output_field=BooleanField()),
    )
    data["support_messages"] = _rows(
        SupportMessage.objects.filter(conversation__user=user).order_by("pk"),
        "from_support",
        "body",
        "created_at",
    )
    data["reports_written"] = _rows(
        Report.objects.filter(reporter=user).order_by("pk"),
        "kind",
        "details",
        "status",
        "created_at",
        "handled_at",
    )
    # Rendered through the model (its title and body are worded when read).
    data["notifications"] = [
        {
            "kind": note.kind,
            "title": str(note.title),
            "body": str(note.body),
            "created_at": _iso(note.created_at),
            "read_at": _iso(note.read_at),
        }
        for note in Notification.objects.filter(user=user).order_by("pk")
    ]
    return data
