"""REST API of check-in and cancellations: thin views that validate, call one service or
selector, serialize.

Pro side (the pro mobile app): a booking's session state, declarations, the "to declare"
list (`GET /api/v1/pro/bookings?to_declare=true`: the bookings list, extended). Customer side:
the cancellation quote and the cancellation. Someone else's booking answers 404.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.fields import AwareDateTimeField
from bookings.api.pro import ProBookingListApi as BookingsProBookingListApi
from bookings.api.pro import ProBookingOutSerializer
from bookings.models import Booking
from core import clock
from core.api import StrictCharField, validated
from core.errors import InvalidInput
from customers.selectors import customer_for
from pros.api_access import IsPro

from . import rules, selectors, services
from .models import Declaration, Outcome

_DATETIME = serializers.DateTimeField()  # output in the current time zone (Europe/Paris)


def _dt(moment):
    return _DATETIME.to_representation(moment) if moment is not None else None


# --- pro side -----------------------------------------------------------------------------------


class BillableOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    amount_cents = serializers.IntegerField()
    pro_share_cents = serializers.IntegerField()
    billable_on = serializers.DateField()
    waived = serializers.SerializerMethodField()

    def get_waived(self, item) -> bool:
        return item.waived_at is not None


class ProSessionListOutSerializer(ProBookingOutSerializer):
    """A pro's booking with its session state; every time comes from checkin.rules."""

    session_state = serializers.SerializerMethodField()
    check_in_required = serializers.SerializerMethodField()
    check_in_opens_at = serializers.SerializerMethodField()
    may_leave_at = serializers.SerializerMethodField()
    declaration_deadline = serializers.SerializerMethodField()
    days_left_to_declare = serializers.SerializerMethodField()
    allowed_declarations = serializers.SerializerMethodField()

    class Meta(ProBookingOutSerializer.Meta):
        fields = [
            *ProBookingOutSerializer.Meta.fields,
            "session_state",
            "check_in_required",
            "check_in_opens_at",
            "may_leave_at",
            "declaration_deadline",
            "days_left_to_declare",
            "allowed_declarations",
        ]

    def _record(self, booking):
        records = self.context.setdefault("records", {})
        if booking.pk not in records:
            records[booking.pk] = selectors.session_for(booking)
        return records[booking.pk]

    def _now(self):
        return self.context.setdefault("now", clock.now())

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_session_state(self, booking):
        record = self._record(booking)
        return record.outcome if record else None

    def get_check_in_required(self, booking) -> bool:
        record = self._record(booking)
        return bool(record and record.needs_declaration)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_check_in_opens_at(self, booking):
        return _dt(rules.check_in_opens_at(booking.start))

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_may_leave_at(self, booking):
        return _dt(rules.may_leave_at(booking.start))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_declaration_deadline(self, booking):
        record = self._record(booking)
        return _dt(record.declaration_deadline) if record else None

    def get_days_left_to_declare(self, booking) -> int | None:
        record = self._record(booking)
        if record is None or not record.is_pending:
            return None
        return rules.days_left_to_declare(record.declaration_deadline, self._now())

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Declaration.choices)))
    def get_allowed_declarations(self, booking):
        record = self._record(booking)
        return rules.allowed_declarations(record=record, now=self._now()) if record else []


class ProSessionOutSerializer(ProSessionListOutSerializer):
    arrived_at = serializers.SerializerMethodField()
    late_minutes = serializers.SerializerMethodField()
    expected_arrival_at = serializers.SerializerMethodField()
    absence_reported_at = serializers.SerializerMethodField()
    billables = serializers.SerializerMethodField()

    class Meta(ProSessionListOutSerializer.Meta):
        fields = [
            *ProSessionListOutSerializer.Meta.fields,
            "arrived_at",
            "late_minutes",
            "expected_arrival_at",
            "absence_reported_at",
            "billables",
        ]

    def _field(self, booking, name):
        record = self._record(booking)
        return getattr(record, name) if record else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_arrived_at(self, booking):
        return _dt(self._field(booking, "arrived_at"))

    def get_late_minutes(self, booking) -> int | None:
        return self._field(booking, "late_minutes")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_expected_arrival_at(self, booking):
        return _dt(self._field(booking, "expected_arrival_at"))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_absence_reported_at(self, booking):
        return _dt(self._field(booking, "absence_reported_at"))

    @extend_schema_field(BillableOutSerializer(many=True))
    def get_billables(self, booking):
        record = self._record(booking)
        if record is None or record.pk is None:
            return []
        return BillableOutSerializer(record.billables.order_by("id"), many=True).data


def _own_booking(request, pk) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("service__category", "address", "customer__user", "request"),
        pk=pk,
        pro=request.pro,
    )


def _session(booking, **context):
    booking = Booking.objects.select_related(
        "service__category", "address", "customer__user", "request"
    ).get(pk=booking.pk)
    return ProSessionOutSerializer(booking, context=context).data


class ProBookingDetailApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=["pro"],
        summary="A booking with its session state and what may be declared now",
        responses={200: ProSessionOutSerializer},
    )
    def get(self, request, pk):
        return Response(_session(_own_booking(request, pk)))


class DeclarationInSerializer(serializers.Serializer):
    """Types only; what each kind needs (and its ranges) is checked by the service."""

    kind = serializers.ChoiceField(choices=Declaration.choices)
    minutes = serializers.IntegerField(required=False, help_text="late: 5-120")
    start = AwareDateTimeField(required=False, help_text="changed: new start (with offset)")
    end = AwareDateTimeField(required=False, help_text="changed: new end (with offset)")
    reason = StrictCharField(
        required=False, allow_blank=True, max_length=1000, help_text="pro_cancels"
    )
    actual_minutes = serializers.IntegerField(required=False, help_text="done (optional)")


class ProDeclarationApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=["pro"],
        summary="Declare arrival, an incident, a cancellation or the session done",
        request=DeclarationInSerializer,
        responses={201: ProSessionOutSerializer},
    )
    def post(self, request, pk):
        booking = _own_booking(request, pk)
        data = validated(DeclarationInSerializer, request.data)
        kind = data.pop("kind")
        services.declaration_make(booking=booking, pro=request.pro, kind=kind, **data)
        return Response(_session(booking), status=status.HTTP_201_CREATED)


_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


class ProBookingListApi(BookingsProBookingListApi):
    """The bookings list of bookings/api/pro.py; `?to_declare=true` keeps the sessions still
    awaiting a closing declaration, oldest first, with their state and days left."""

    permission_classes = [IsPro]

    def _to_declare(self) -> bool:
        value = self.request.query_params.get("to_declare", "").strip().lower()
        if value not in _TRUE | _FALSE:
            raise InvalidInput(fields={"to_declare": [_("Use true or false.")]})
        return value in _TRUE

    def get_queryset(self):
        if self._to_declare():
            return selectors.bookings_to_declare_for(self.request.pro)
        return super().get_queryset()

    def get_serializer_class(self):
        return ProSessionListOutSerializer if self._to_declare() else super().get_serializer_class()

    @extend_schema(
        tags=["pro"],
        summary="My bookings; ?to_declare=true: those awaiting a closing declaration",
        parameters=[
            OpenApiParameter(
                "to_declare",
                OpenApiTypes.BOOL,
                description="Only sessions awaiting a closing declaration, oldest first.",
            )
        ],
        responses={200: ProSessionListOutSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- customer side ------------------------------------------------------------------------------


def _customer_booking(request, pk):
    customer = customer_for(request.user)
    booking = get_object_or_404(
        Booking.objects.select_related("service__category"), pk=pk, customer=customer
    )
    return customer, booking


class CancellationQuoteOutSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    cancellable = serializers.BooleanField()
    fee_cents = serializers.IntegerField()
    fee_until = serializers.DateTimeField(
        allow_null=True, help_text="The last moment this fee holds; null if it never changes."
    )
    next_fee_cents = serializers.IntegerField(allow_null=True)


class CustomerCancellationQuoteApi(APIView):
    @extend_schema(
        tags=["customer"],
        summary="The fee if the booking is cancelled now, and when it would change",
        responses={200: CancellationQuoteOutSerializer},
    )
    def get(self, request, pk):
        _customer, booking = _customer_booking(request, pk)
        cancellable, quote = selectors.customer_cancellation(booking=booking)
        body = {
            "booking": booking.pk,
            "cancellable": cancellable,
            "fee_cents": quote.fee_cents if cancellable else 0,
            "fee_until": quote.fee_until if cancellable else None,
            "next_fee_cents": quote.next_fee_cents if cancellable else None,
        }
        return Response(CancellationQuoteOutSerializer(body).data)


class CancelInSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=200)


class CancelledOutSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    status = serializers.CharField()
    fee_cents = serializers.IntegerField()


class CustomerCancelApi(APIView):
    @extend_schema(
        tags=["customer"],
        summary="Cancel a confirmed booking; answers the fee charged",
        request=CancelInSerializer,
        responses={200: CancelledOutSerializer},
    )
    def post(self, request, pk):
        customer, booking = _customer_booking(request, pk)
        data = validated(CancelInSerializer, request.data)
        _record, fee_cents = services.booking_customer_cancel(
            booking=booking, customer=customer, reason=data.get("reason", "")
        )
        body = {"booking": booking.pk, "status": "cancelled", "fee_cents": fee_cents}
        return Response(CancelledOutSerializer(body).data)
