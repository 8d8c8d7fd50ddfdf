"""Customer API for saved cards (the gateway lives in payouts; the rows in customers) and
charges; pro API for earnings and payouts. House style: customers/api.py."""

import dataclasses

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from customers.models import PaymentMethod
from customers.selectors import active_payment_methods, customer_for
from pros.api_access import IsPro

from . import selectors, services
from .models import Charge, Payout


class SetupIntentOutSerializer(serializers.Serializer):
    client_secret = serializers.CharField()
    publishable_key = serializers.CharField(
        allow_null=True, help_text="Null with the fake gateway."
    )
    gateway = serializers.CharField(help_text='"stripe" or "fake".')


class PaymentMethodInSerializer(serializers.Serializer):
    payment_method_id = serializers.CharField(
        max_length=100, help_text="The confirmed Stripe payment method (pm_...)."
    )


class PaymentMethodOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentMethod
        fields = ["id", "brand", "last4", "exp_month", "exp_year", "is_default", "created_at"]
        read_only_fields = fields


class SetupIntentApi(APIView):
    @extend_schema(
        tags=["payment methods"],
        summary="Start saving a card: a SetupIntent client secret (off-session use)",
        request=None,
        responses={200: SetupIntentOutSerializer},
    )
    def post(self, request):
        customer = customer_for(request.user)
        intent, gateway = services.setup_intent_create(customer=customer)
        return Response(
            {
                "client_secret": intent.client_secret,
                "publishable_key": gateway.publishable_key,
                "gateway": gateway.name,
            }
        )


class PaymentMethodListCreateApi(generics.ListAPIView):
    serializer_class = PaymentMethodOutSerializer

    def get_queryset(self):
        return active_payment_methods(customer_for(self.request.user))

    @extend_schema(tags=["payment methods"], summary="My saved cards (default first)")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        tags=["payment methods"],
        summary="Record the confirmed card; it becomes the default",
        request=PaymentMethodInSerializer,
        responses={201: PaymentMethodOutSerializer},
    )
    def post(self, request):
        customer = customer_for(request.user)
        data = validated(PaymentMethodInSerializer, request.data)
        method = services.payment_method_save(customer=customer, **data)
        return Response(PaymentMethodOutSerializer(method).data, status=201)


# --- charges (customer) and earnings (pro) ------------------------------------------------------


class ChargeOutSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="billable.kind", help_text="session or a fee kind.")
    retry_on = serializers.SerializerMethodField(
        help_text="The next automatic attempt (null when paid or failed for good)."
    )
    client_secret = serializers.SerializerMethodField(
        help_text="Set when the bank asks the customer to confirm the payment in the app."
    )

    class Meta:
        model = Charge
        fields = [
            "id",
            "booking_id",
            "kind",
            "amount_cents",
            "status",
            "attempts",
            "failure_code",
            "retry_on",
            "client_secret",
            "first_due_on",
            "succeeded_at",
            "refunded_cents",
        ]
        read_only_fields = fields

    def get_retry_on(self, charge) -> str | None:
        return charge.due_on.isoformat() if charge.status == Charge.Status.DUE else None

    def get_client_secret(self, charge) -> str | None:
        if charge.status == Charge.Status.DUE and charge.failure_code == "authentication_required":
            return charge.client_secret or None
        return None


class ChargeListApi(generics.ListAPIView):
    serializer_class = ChargeOutSerializer

    def get_queryset(self):
        return selectors.charges_for_customer(customer_for(self.request.user))

    @extend_schema(
        tags=["charges"],
        summary="My charges, newest first, with their status (and what to do when declined)",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class PeriodOutSerializer(serializers.Serializer):
    frequency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    batch_on = serializers.DateField(help_text="The day the transfer leaves.")
    arrival_on = serializers.DateField(help_text="Expected on the pro's bank account.")


class EarningsOutSerializer(serializers.Serializer):
    frequency = serializers.CharField()
    next_payout_cents = serializers.IntegerField(source="next_amount_cents")
    next_period = PeriodOutSerializer()
    current_period_cents = serializers.IntegerField(source="current_amount_cents")
    current_period = PeriodOutSerializer()
    unpaid_cents = serializers.IntegerField(source="unpaid_amount_cents")
    held_reason = serializers.CharField(
        help_text='Why the next payout would be held ("" when it will be sent).'
    )
    weeks = serializers.ListField(child=serializers.DictField(), help_text="Last 12 weeks.")


class ProEarningsApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=["pro earnings"],
        summary="My next payout, this period so far and the last 12 weeks",
        responses={200: EarningsOutSerializer},
    )
    def get(self, request):
        payload = dataclasses.asdict(selectors.earnings_overview(request.pro))
        payload["weeks"] = [
            {"start": period.start, "end": period.end, "amount_cents": cents}
            for period, cents in selectors.weekly_totals(request.pro)
        ]
        return Response(EarningsOutSerializer(payload).data)


class PayoutItemOutSerializer(serializers.Serializer):
    kind = serializers.CharField(source="entry.kind")
    earned_on = serializers.DateField(source="entry.earned_on")
    amount_cents = serializers.IntegerField(source="entry.amount_cents")
    booking_id = serializers.SerializerMethodField()

    def get_booking_id(self, item) -> int | None:
        billable = item.entry.billable
        return billable.booking_id if billable is not None else None


class PayoutOutSerializer(serializers.ModelSerializer):
    items = PayoutItemOutSerializer(many=True, read_only=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "frequency",
            "period_start",
            "period_end",
            "batch_on",
            "arrival_on",
            "amount_cents",
            "item_count",
            "status",
            "held_reason",
            "items",
        ]
        read_only_fields = fields


class ProPayoutListApi(generics.ListAPIView):
    permission_classes = [IsPro]
    serializer_class = PayoutOutSerializer

    def get_queryset(self):
        return selectors.payouts_for(self.request.pro, with_items=True)

    @extend_schema(tags=["pro earnings"], summary="My payouts, newest first, with their items")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)
