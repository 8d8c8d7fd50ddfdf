"""REST API of bookings: thin views that validate, call one service or selector, serialize.

Customer side needs `request.user.customer` (403 `not_a_customer`), pro side
`request.user.pro` (403 `not_a_pro`). Objects of someone else answer 404.
"""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Service
from core import clock
from core.errors import InvalidInput, NotAllowed, NotFound
from pros.models import Pro
from pros.selectors import pro_by_personal_link

from . import selectors, services
from .models import Booking, BookingRequest, CounterOffer, Proposal

# --- access -----------------------------------------------------------------------------------


def customer_of(request):
    from customers.selectors import customer_for

    return customer_for(request.user)


def pro_of(request):
    try:
        return request.user.pro
    except ObjectDoesNotExist:
        raise NotAllowed(_("Only pros can do this."), code="not_a_pro") from None


# --- fields and small serializers -------------------------------------------------------------


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; naive input is refused (never guessed), and so are impossible
    values (30 February, offset +25:00) and moments outside [2000, now + 1 year], whose
    arithmetic could overflow."""

    EARLIEST_YEAR = 2000
    MAX_AHEAD = timedelta(days=366)

    default_error_messages = {
        "naive": _("Give a date and time with its UTC offset."),
        "impossible": _("This date and time does not exist."),
        "too_early": _("Too far in the past."),
        "too_far": _("Too far in the future."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well-formed but impossible: day, hour or offset out of range
                self.fail("impossible")
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        moment = super().to_internal_value(value)
        if moment.year < self.EARLIEST_YEAR:
            self.fail("too_early")
        if moment > clock.now() + self.MAX_AHEAD:
            self.fail("too_far")
        return moment


def _photo(pro):
    return pro.photo.url if pro.photo else None


class ProBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField(source="user.first_name")
    photo = serializers.SerializerMethodField()

    def get_photo(self, pro) -> str | None:
        return _photo(pro)


class CustomerBookingSerializer(serializers.ModelSerializer):
    pro = ProBriefSerializer()
    request = serializers.IntegerField(source="request_id")
    service_name = serializers.CharField(source="service.name")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "request",
            "status",
            "pro",
            "service",
            "service_name",
            "address",
            "start",
            "end",
            "price_cents",
        ]


class CounterOfferSerializer(serializers.ModelSerializer):
    pro = ProBriefSerializer()

    class Meta:
        model = CounterOffer
        fields = ["id", "status", "pro", "start", "end", "created_at"]


class BookingRequestSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    booking = serializers.SerializerMethodField()
    counter_offers = serializers.SerializerMethodField()
    exclusive_pro = serializers.IntegerField(source="exclusive_pro_id", allow_null=True)

    class Meta:
        model = BookingRequest
        fields = [
            "id",
            "status",
            "origin",
            "service",
            "service_name",
            "address",
            "start",
            "end",
            "notes",
            "price_cents",
            "exclusive_pro",
            "fallback_to_others",
            "booking_deadline",
            "created_at",
            "booking",
            "counter_offers",
        ]

    def get_booking(self, obj) -> dict | None:
        try:
            booking = obj.booking
        except ObjectDoesNotExist:
            return None
        pro = booking.pro
        return {
            "id": booking.pk,
            "status": booking.status,
            "pro": ProBriefSerializer(pro).data,
            "start": serializers.DateTimeField().to_representation(booking.start),
            "end": serializers.DateTimeField().to_representation(booking.end),
            "price_cents": booking.price_cents,
        }

    def get_counter_offers(self, obj) -> list:
        counters = getattr(obj, "open_counter_offers", None)
        if counters is None:
            counters = obj.counter_offers.filter(status=CounterOffer.Status.OPEN).select_related(
                "pro__user"
            )
        return CounterOfferSerializer(counters, many=True).data


class BookingRequestCreateSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    address = serializers.IntegerField()
    start = AwareDateTimeField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    pro = serializers.IntegerField(required=False, allow_null=True, default=None)
    fallback_to_others = serializers.BooleanField(required=False, default=False)
    link = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")

    def validate_service(self, value):
        service = Service.objects.active().select_related("category").filter(pk=value).first()
        if service is None:
            raise serializers.ValidationError(_("Unknown service."))
        return service

    def validate_address(self, value):
        address = self.context["customer"].addresses.active().filter(pk=value).first()
        if address is None:
            raise serializers.ValidationError(_("Unknown address."))
        return address

    def validate_pro(self, value):
        if value is None:
            return None
        pro = Pro.objects.select_related("user").filter(pk=value).first()
        if pro is None:
            raise serializers.ValidationError(_("Unknown pro."))
        return pro


def _request_queryset(customer):
    return selectors.booking_requests_for_customer(customer=customer)


def _serialize_request(customer, pk):
    return BookingRequestSerializer(_request_queryset(customer).get(pk=pk)).data


# --- customer: booking requests ---------------------------------------------------------------


class BookingRequestListCreateView(ListAPIView):
    serializer_class = BookingRequestSerializer

    def get_queryset(self):
        return _request_queryset(customer_of(self.request))

    @extend_schema(
        request=BookingRequestCreateSerializer, responses={201: BookingRequestSerializer}
    )
    def post(self, request):
        customer = customer_of(request)
        # Order of refusals: blacklisted first (403), then bad input (400 invalid), then the
        # business rules the service checks.
        services._customer_may_book(customer)
        serializer = BookingRequestCreateSerializer(
            data=request.data, context={"customer": customer}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        booking_request = services.booking_request_create(
            customer=customer,
            service=data["service"],
            address=data["address"],
            start=data["start"],
            notes=data["notes"],
            pro=data["pro"],
            fallback_to_others=data["fallback_to_others"],
            link=data["link"],
            actor=request.user,
        )
        return Response(
            _serialize_request(customer, booking_request.pk), status=status.HTTP_201_CREATED
        )


class BookingRequestDetailView(APIView):
    @extend_schema(responses=BookingRequestSerializer)
    def get(self, request, pk):
        customer = customer_of(request)
        return Response(
            BookingRequestSerializer(get_object_or_404(_request_queryset(customer), pk=pk)).data
        )


class _CustomerRequestAction(APIView):
    @extend_schema(request=None, responses=BookingRequestSerializer)
    def post(self, request, pk):
        customer = customer_of(request)
        booking_request = get_object_or_404(BookingRequest, pk=pk, customer=customer)
        self.act(booking_request, customer, request)
        return Response(_serialize_request(customer, pk))


class BookingRequestCancelView(_CustomerRequestAction):
    def act(self, booking_request, customer, request):
        # Free text is checked by the service (core.text.clean_text): no str() of anything.
        reason = request.data.get("reason", "") if hasattr(request.data, "get") else ""
        services.booking_request_cancel(
            request=booking_request, by=request.user, reason=reason or "customer"
        )


class BookingRequestConfirmView(_CustomerRequestAction):
    def act(self, booking_request, customer, request):
        services.booking_request_confirm(request=booking_request, customer=customer)


class BookingRequestDeclineView(_CustomerRequestAction):
    def act(self, booking_request, customer, request):
        services.booking_request_decline(request=booking_request, customer=customer)


class _CounterOfferAction(APIView):
    @extend_schema(request=None, responses=BookingRequestSerializer)
    def post(self, request, pk):
        customer = customer_of(request)
        counter = get_object_or_404(CounterOffer, pk=pk, request__customer=customer)
        self.act(counter, customer)
        return Response(_serialize_request(customer, counter.request_id))


class CounterOfferAcceptView(_CounterOfferAction):
    def act(self, counter, customer):
        services.counter_offer_accept(counter_offer=counter, customer=customer)


class CounterOfferDeclineView(_CounterOfferAction):
    def act(self, counter, customer):
        services.counter_offer_decline(counter_offer=counter, customer=customer)


# --- customer: bookings, past pros, favourites --------------------------------------------------


class CustomerBookingListView(ListAPIView):
    serializer_class = CustomerBookingSerializer

    def get_queryset(self):
        return selectors.bookings_for_customer(customer=customer_of(self.request))


class CustomerBookingDetailView(APIView):
    @extend_schema(responses=CustomerBookingSerializer)
    def get(self, request, pk):
        queryset = selectors.bookings_for_customer(customer=customer_of(request))
        return Response(CustomerBookingSerializer(get_object_or_404(queryset, pk=pk)).data)


class PastProSerializer(ProBriefSerializer):
    last_session_at = serializers.DateTimeField()
    sessions = serializers.IntegerField()
    is_favorite = serializers.BooleanField()
    personal_link = serializers.CharField(source="slug")


class PastProListView(ListAPIView):
    serializer_class = PastProSerializer

    def get_queryset(self):
        return selectors.past_pros_for(customer=customer_of(self.request))


class FavoriteSerializer(serializers.Serializer):
    pro = ProBriefSerializer()
    created_at = serializers.DateTimeField()


class FavoriteInputSerializer(serializers.Serializer):
    pro = serializers.IntegerField()


class FavoriteListCreateView(ListAPIView):
    serializer_class = FavoriteSerializer

    def get_queryset(self):
        return selectors.favorites_for(customer=customer_of(self.request))

    @extend_schema(request=FavoriteInputSerializer, responses={201: FavoriteSerializer})
    def post(self, request):
        customer = customer_of(request)
        serializer = FavoriteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pro = Pro.objects.select_related("user").filter(pk=serializer.validated_data["pro"]).first()
        if pro is None:
            raise InvalidInput(fields={"pro": [_("Unknown pro.")]})
        favorite = services.favorite_add(customer=customer, pro=pro)
        return Response(FavoriteSerializer(favorite).data, status=status.HTTP_201_CREATED)


class FavoriteDeleteView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pro_id):
        customer = customer_of(request)
        pro = get_object_or_404(Pro, pk=pro_id)
        if not services.favorite_remove(customer=customer, pro=pro):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- exclusive booking: slots and personal links ------------------------------------------------


class SlotsQuerySerializer(serializers.Serializer):
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


class ProSlotsView(APIView):
    """A pro's free start times, for a customer they served or holding their personal link."""

    @extend_schema(
        parameters=[
            OpenApiParameter("service", int, required=True),
            OpenApiParameter("from", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter(
                "to", OpenApiTypes.DATETIME, required=True, description="at most 14 days after from"
            ),
            OpenApiParameter("link", str, description="the pro's personal link slug"),
        ],
        responses=inline_serializer(
            "ProSlots",
            {
                "pro": serializers.IntegerField(),
                "service": serializers.IntegerField(),
                "duration_minutes": serializers.IntegerField(),
                "slots": serializers.ListField(child=serializers.DateTimeField()),
            },
        ),
    )
    def get(self, request, pk):
        customer = customer_of(request)
        query = SlotsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        pro = get_object_or_404(Pro.objects.select_related("user"), pk=pk)
        by_link = bool(params["link"]) and params["link"] == pro.slug and pro.has_personal_link
        if not (by_link or selectors.pro_served_customer(pro=pro, customer=customer)):
            raise NotFound()
        service = pro.services.filter(pk=params["service"], is_active=True).first()
        if service is None:
            raise InvalidInput(fields={"service": [_("This pro does not offer this service.")]})
        slots = selectors.pro_free_slots(
            pro=pro, service=service, start_from=params["from"], until=params["to"]
        )
        field = serializers.DateTimeField()
        return Response(
            {
                "pro": pro.pk,
                "service": service.pk,
                "duration_minutes": service.duration_minutes,
                "slots": [field.to_representation(slot) for slot in slots],
            }
        )


class PublicProSerializer(ProBriefSerializer):
    bio = serializers.CharField()
    slug = serializers.CharField()
    completed_sessions_count = serializers.IntegerField()
    services = serializers.SerializerMethodField()

    def get_services(self, pro) -> list:
        return [
            {"id": s.pk, "name": s.name, "duration_minutes": s.duration_minutes}
            for s in pro.services.all()
        ]


class ProByLinkView(APIView):
    @extend_schema(responses=PublicProSerializer)
    def get(self, request, slug):
        pro = pro_by_personal_link(slug)
        if pro is None:
            raise NotFound()
        return Response(PublicProSerializer(pro).data)


# --- pro side -----------------------------------------------------------------------------------


class ProProposalSerializer(serializers.ModelSerializer):
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


class ProProposalListView(ListAPIView):
    serializer_class = ProProposalSerializer

    def get_queryset(self):
        return selectors.open_proposals_for(pro_of(self.request))


def _own_proposal(request, pk):
    pro = pro_of(request)
    return pro, get_object_or_404(Proposal, pk=pk, pro=pro)


class ProProposalAcceptView(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "ProposalAccepted",
            {"booking": serializers.IntegerField(), "status": serializers.CharField()},
        ),
    )
    def post(self, request, pk):
        pro, proposal = _own_proposal(request, pk)
        booking = services.proposal_accept(proposal=proposal, pro=pro)
        return Response({"booking": booking.pk, "status": "accepted"})


class ProProposalRefuseView(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "ProposalRefused", {"id": serializers.IntegerField(), "status": serializers.CharField()}
        ),
    )
    def post(self, request, pk):
        pro, proposal = _own_proposal(request, pk)
        services.proposal_refuse(proposal=proposal, pro=pro)
        return Response({"id": proposal.pk, "status": "refused"})


class CounterInputSerializer(serializers.Serializer):
    start = AwareDateTimeField()


class ProProposalCounterView(APIView):
    @extend_schema(request=CounterInputSerializer, responses={201: CounterOfferSerializer})
    def post(self, request, pk):
        pro, proposal = _own_proposal(request, pk)
        serializer = CounterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counter = services.proposal_counter(
            proposal=proposal, pro=pro, start=serializer.validated_data["start"]
        )
        counter = CounterOffer.objects.select_related("pro__user").get(pk=counter.pk)
        return Response(CounterOfferSerializer(counter).data, status=status.HTTP_201_CREATED)


class ProBookingSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id")
    service_name = serializers.CharField(source="service.name")
    customer_first_name = serializers.CharField(source="customer.user.first_name")
    address = serializers.SerializerMethodField()
    notes = serializers.CharField(source="request.notes")

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
            "customer_first_name",
            "pro_net_cents",
        ]

    def get_address(self, booking) -> dict:
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


class ProBookingListView(ListAPIView):
    serializer_class = ProBookingSerializer

    def get_queryset(self):
        return selectors.bookings_for_pro(pro_of(self.request)).select_related("request")
