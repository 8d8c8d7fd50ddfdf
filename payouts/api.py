"""Customer API for saved cards (the gateway lives in payouts; the rows in customers).
House style: customers/api.py."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from customers.models import PaymentMethod
from customers.selectors import active_payment_methods, customer_for

from . import services


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
