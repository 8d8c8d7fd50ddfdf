"""Public catalogue API: what can be booked and what the customer pays.
House style: customers/api.py."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from .models import Service
from .selectors import service_list_public


class ServiceOutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    price_cents = serializers.IntegerField(
        read_only=True, help_text="What the customer pays, service fee included."
    )

    class Meta:
        model = Service
        fields = ["id", "name", "category", "duration_minutes", "price_cents"]
        read_only_fields = fields


class ServiceListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = ServiceOutSerializer

    def get_queryset(self):
        return service_list_public()

    @extend_schema(tags=["catalogue"], summary="List the bookable services (public)")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)
