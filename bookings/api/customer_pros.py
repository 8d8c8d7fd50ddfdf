"""Customer side of the bookings API, the pros a customer may book directly: the pros who
served them, their favourites, a pro's free start times, and the pro behind a personal link.

A customer books one pro directly after a session with them or through the pro's personal
link (pros.selectors.pro_by_personal_link: the one rule for a live link).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from core.errors import InvalidInput, NotFound
from customers.selectors import customer_for
from pros.models import Pro
from pros.selectors import personal_link_opens, pro_by_personal_link

from .. import selectors, services
from .fields import AwareDateTimeField
from .serializers import ProBriefOutSerializer

PAST_PROS_TAG = "past pros"
FAVORITES_TAG = "favorites"
PROS_TAG = "pros"

# --- serializers ------------------------------------------------------------------------------


class PastProOutSerializer(ProBriefOutSerializer):
    last_session_at = serializers.DateTimeField()
    sessions = serializers.IntegerField()
    is_favorite = serializers.BooleanField()
    personal_link = serializers.CharField(source="slug")


class FavoriteOutSerializer(serializers.Serializer):
    pro = ProBriefOutSerializer()
    created_at = serializers.DateTimeField()


class FavoriteInSerializer(serializers.Serializer):
    pro = serializers.IntegerField()


class SlotsQueryInSerializer(serializers.Serializer):
    """?service=&from=&to=&link= (`from` is a keyword, hence get_fields)."""

    def get_fields(self):
        return {
            "service": serializers.IntegerField(),
            "from": AwareDateTimeField(),
            "to": AwareDateTimeField(),
            "link": serializers.CharField(required=False, allow_blank=True, default=""),
        }

    def validate(self, attrs):
        if attrs["to"] <= attrs["from"]:
            raise serializers.ValidationError({"to": [_("Must be after 'from'.")]})
        if attrs["to"] - attrs["from"] > selectors.SLOTS_MAX_RANGE:
            raise serializers.ValidationError({"to": [_("At most 14 days after 'from'.")]})
        return attrs


class ProSlotsOutSerializer(serializers.Serializer):
    pro = serializers.IntegerField()
    service = serializers.IntegerField()
    duration_minutes = serializers.IntegerField()
    slots = serializers.ListField(child=serializers.DateTimeField())


class ServiceBriefOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()


class PublicProOutSerializer(ProBriefOutSerializer):
    bio = serializers.CharField()
    slug = serializers.CharField()
    completed_sessions_count = serializers.IntegerField()
    services = ServiceBriefOutSerializer(many=True)


# --- past pros and favourites -----------------------------------------------------------------


class PastProListApi(generics.ListAPIView):
    serializer_class = PastProOutSerializer

    def get_queryset(self):
        return selectors.past_pros_for(customer=customer_for(self.request.user))

    @extend_schema(
        tags=[PAST_PROS_TAG],
        summary="Pros who completed a session for me, most recent first",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class FavoriteListCreateApi(generics.ListAPIView):
    serializer_class = FavoriteOutSerializer

    def get_queryset(self):
        return selectors.favorites_for(customer=customer_for(self.request.user))

    @extend_schema(tags=[FAVORITES_TAG], summary="My favourite pros, newest first")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        tags=[FAVORITES_TAG],
        summary="Add a pro who served me to my favourites",
        request=FavoriteInSerializer,
        responses={201: FavoriteOutSerializer},
    )
    def post(self, request):
        customer = customer_for(request.user)
        data = validated(FavoriteInSerializer, request.data)
        pro = Pro.objects.select_related("user").filter(pk=data["pro"]).first()
        if pro is None:
            raise InvalidInput(fields={"pro": [_("Unknown pro.")]})
        favorite = services.favorite_add(customer=customer, pro=pro)
        return Response(FavoriteOutSerializer(favorite).data, status=status.HTTP_201_CREATED)


class FavoriteDeleteApi(APIView):
    @extend_schema(
        tags=[FAVORITES_TAG], summary="Remove a pro from my favourites", responses={204: None}
    )
    def delete(self, request, pro_id):
        customer = customer_for(request.user)
        pro = get_object_or_404(Pro, pk=pro_id)
        if not services.favorite_remove(customer=customer, pro=pro):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- a pro's free times and personal link -----------------------------------------------------


class ProSlotsApi(APIView):
    @extend_schema(
        tags=[PROS_TAG],
        summary="A pro's free start times, for a customer they served or holding their link",
        parameters=[
            OpenApiParameter("service", int, required=True),
            OpenApiParameter("from", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter(
                "to", OpenApiTypes.DATETIME, required=True, description="at most 14 days after from"
            ),
            OpenApiParameter("link", str, description="the pro's personal link slug"),
        ],
        responses={200: ProSlotsOutSerializer},
    )
    def get(self, request, pk):
        customer = customer_for(request.user)
        params = validated(SlotsQueryInSerializer, request.query_params)
        pro = get_object_or_404(Pro.objects.select_related("user"), pk=pk)
        if not (
            personal_link_opens(params["link"], pro)
            or selectors.pro_served_customer(pro=pro, customer=customer)
        ):
            raise NotFound()
        service = pro.services.filter(pk=params["service"], is_active=True).first()
        if service is None:
            raise InvalidInput(fields={"service": [_("This pro does not offer this service.")]})
        slots = selectors.pro_free_slots(
            pro=pro, service=service, start_from=params["from"], until=params["to"]
        )
        body = {
            "pro": pro.pk,
            "service": service.pk,
            "duration_minutes": service.duration_minutes,
            "slots": slots,
        }
        return Response(ProSlotsOutSerializer(body).data)


class ProByLinkApi(APIView):
    @extend_schema(
        tags=[PROS_TAG],
        summary="The pro behind a personal link (404 if the link is not live)",
        responses={200: PublicProOutSerializer},
    )
    def get(self, request, slug):
        pro = pro_by_personal_link(slug)
        if pro is None:
            raise NotFound()
        return Response(PublicProOutSerializer(pro).data)
