"""Pro side of the bookings API (the pro mobile app): open proposals and their answers
(accept, refuse, propose another time), and the pro's bookings.

Every view needs a pro profile (pros.api_access.IsPro: 403 `not_a_pro`); someone else's
proposal answers 404. checkin.api extends the bookings list (`?to_declare=true`).
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core import clock
from core.api import validated
from pros.api_access import IsPro

from .. import rules, selectors, services
from ..models import Booking, CounterOffer, Proposal
from .fields import AwareDateTimeField
from .serializers import CounterOfferOutSerializer

PRO_TAG = "pro"

# --- serializers ------------------------------------------------------------------------------


class ProProposalOutSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id")
    service = serializers.IntegerField(source="request.service_id")
    service_name = serializers.CharField(source="request.service.name")
    duration_minutes = serializers.IntegerField(source="request.service.duration_minutes")
    start = serializers.DateTimeField(source="request.start")
    end = serializers.DateTimeField(source="request.end")
    neighbourhood = serializers.SerializerMethodField()
    pro_net_cents = serializers.IntegerField(source="request.pro_net_cents")
    notes = serializers.CharField(source="request.notes")
    seconds_left = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "request",
            "status",
            "is_bonus",
            "service",
            "service_name",
            "duration_minutes",
            "start",
            "end",
            "neighbourhood",
            "pro_net_cents",
            "notes",
            "sent_at",
            "expires_at",
            "seconds_left",
        ]

    def get_neighbourhood(self, proposal) -> str:
        address = proposal.request.address
        return f"{address.postal_code} {address.city}"

    def get_seconds_left(self, proposal) -> int:
        return max(0, int((proposal.expires_at - clock.now()).total_seconds()))


def _iso_in(zone):
    """DRF's ISO 8601 rendering of an aware datetime (DATETIME_FORMAT "iso-8601") in `zone`,
    read once per page: DRF looks the current time zone up again for every value, and that
    lookup was most of a 20-row page's formatting time."""

    def iso(value):
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso


def pro_proposal_rows(proposals, *, now) -> list[dict]:
    """What ProProposalOutSerializer gives (it stays the documented schema), built as plain
    dicts: the list is polled by the app and DRF's per-field machinery was most of its cost.
    Pinned equal to the serializer by a test."""
    when = _iso_in(timezone.get_current_timezone())
    rows = []
    for proposal in proposals:
        request = proposal.request
        service, address = request.service, request.address
        rows.append(
            {
                "id": proposal.pk,
                "request": proposal.request_id,
                "status": proposal.status,
                "is_bonus": proposal.is_bonus,
                "service": request.service_id,
                "service_name": service.name,
                "duration_minutes": service.duration_minutes,
                "start": when(request.start),
                "end": when(request.end),
                "neighbourhood": f"{address.postal_code} {address.city}",
                "pro_net_cents": request.pro_net_cents,
                "notes": request.notes,
                "sent_at": when(proposal.sent_at),
                "expires_at": when(proposal.expires_at),
                "seconds_left": max(0, int((proposal.expires_at - now).total_seconds())),
            }
        )
    return rows


class ProposalAcceptedOutSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    status = serializers.CharField()


class ProposalRefusedOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class ProposalCounterInSerializer(serializers.Serializer):
    start = AwareDateTimeField()


class ProBookingOutSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id")
    service_name = serializers.CharField(source="service.name")
    customer_first_name = serializers.CharField(source="customer.user.first_name")
    address = serializers.SerializerMethodField()
    notes = serializers.CharField(source="request.notes")
    access_details = serializers.SerializerMethodField(
        help_text=(
            "Door code, floor, intercom: only while the booking is confirmed (empty once it is "
            "completed or cancelled). Never on a proposal."
        )
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "request",
            "status",
            "service",
            "service_name",
            "start",
            "end",
            "address",
            "notes",
            "access_details",
            "customer_first_name",
            "pro_net_cents",
        ]

    def get_access_details(self, booking) -> str:
        """bookings.rules.access_details_for decides. The reader is the request's pro when the
        view passes its request, else the booking's own pro (views serialize only the pro's
        own bookings, through access-checked getters)."""
        reader = getattr(self.context.get("request"), "pro", None)
        return rules.access_details_for(booking, reader.pk if reader else booking.pro_id)

    def get_address(self, booking) -> dict:
        """The neighbourhood, or the exact address when the pro may see it (Booking's rule)."""
        address = booking.address
        if not booking.shows_exact_address:
            return {"postal_code": address.postal_code, "city": address.city}
        return {
            "street": address.street,
            "postal_code": address.postal_code,
            "city": address.city,
            "lat": str(address.lat),
            "lng": str(address.lng),
        }


# --- proposals --------------------------------------------------------------------------------


def _own_proposal(request, pk) -> Proposal:
    return get_object_or_404(Proposal, pk=pk, pro=request.pro)


class ProProposalListApi(generics.ListAPIView):
    permission_classes = [IsPro]
    serializer_class = ProProposalOutSerializer

    def get_queryset(self):
        return selectors.open_proposals_for(self.request.pro)

    @extend_schema(tags=[PRO_TAG], summary="My open proposals, soonest expiry first")
    def get(self, request, *args, **kwargs):
        now = clock.now()
        page_size = self.paginator.get_page_size(request) if self.paginator else None
        if page_size and self.paginator.page_query_param not in request.query_params:
            # The first page (what the app polls): rows and total in one query, the page
            # DRF's paginator would give (pinned equal by a test).
            rows, more = selectors.open_proposals_capped(request.pro, now=now, limit=page_size)
            url = request.build_absolute_uri()
            return Response(
                {
                    "count": len(rows) + more,
                    "next": replace_query_param(url, self.paginator.page_query_param, 2)
                    if more
                    else None,
                    "previous": None,
                    "results": pro_proposal_rows(rows, now=now),
                }
            )
        proposals = self.get_queryset()
        page = self.paginate_queryset(proposals)
        rows = pro_proposal_rows(proposals if page is None else page, now=now)
        return Response(rows) if page is None else self.get_paginated_response(rows)


class ProProposalAcceptApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=[PRO_TAG],
        summary="Accept a proposal: the first pro to accept gets the session",
        request=None,
        responses={200: ProposalAcceptedOutSerializer},
    )
    def post(self, request, pk):
        proposal = _own_proposal(request, pk)
        booking = services.proposal_accept(proposal=proposal, pro=request.pro)
        return Response(
            ProposalAcceptedOutSerializer({"booking": booking.pk, "status": "accepted"}).data
        )


class ProProposalRefuseApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=[PRO_TAG],
        summary="Refuse a proposal",
        request=None,
        responses={200: ProposalRefusedOutSerializer},
    )
    def post(self, request, pk):
        proposal = _own_proposal(request, pk)
        services.proposal_refuse(proposal=proposal, pro=request.pro)
        return Response(ProposalRefusedOutSerializer({"id": proposal.pk, "status": "refused"}).data)


class ProProposalCounterApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=[PRO_TAG],
        summary="Propose another start time to the customer",
        request=ProposalCounterInSerializer,
        responses={201: CounterOfferOutSerializer},
    )
    def post(self, request, pk):
        proposal = _own_proposal(request, pk)
        data = validated(ProposalCounterInSerializer, request.data)
        counter = services.proposal_counter(proposal=proposal, pro=request.pro, start=data["start"])
        counter = CounterOffer.objects.select_related("pro__user").get(pk=counter.pk)
        return Response(CounterOfferOutSerializer(counter).data, status=status.HTTP_201_CREATED)


# --- bookings ---------------------------------------------------------------------------------


class ProBookingListApi(generics.ListAPIView):
    """The pro's bookings, latest start first (checkin.api serves this path, extended)."""

    permission_classes = [IsPro]
    serializer_class = ProBookingOutSerializer

    def get_queryset(self):
        return selectors.bookings_for_pro(self.request.pro).select_related("request")

    @extend_schema(tags=[PRO_TAG], summary="My bookings, latest start first")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)
