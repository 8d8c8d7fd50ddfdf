"""Customer side of the bookings API: booking requests and their answers (confirm or decline
a session a pro set up, accept or decline another time), and the customer's bookings.

Every view needs a customer profile (403 `not_a_customer`); someone else's request, counter-
offer or booking answers 404.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Service
from core.api import StrictCharField, validated
from customers.models import Address
from customers.selectors import customer_for
from pros.models import Pro

from .. import selectors, services
from ..models import Booking, BookingRequest, CounterOffer
from .fields import AwareDateTimeField
from .serializers import CounterOfferOutSerializer, ProBriefOutSerializer

REQUESTS_TAG = "booking requests"
BOOKINGS_TAG = "bookings"

# --- serializers ------------------------------------------------------------------------------


class RequestBookingOutSerializer(serializers.ModelSerializer):
    """The booking a request led to, as the request shows it."""

    pro = ProBriefOutSerializer()

    class Meta:
        model = Booking
        fields = ["id", "status", "pro", "start", "end", "price_cents"]


class BookingRequestOutSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    booking = RequestBookingOutSerializer(allow_null=True, help_text="Null until confirmed.")
    counter_offers = serializers.SerializerMethodField(help_text="Other times still open.")
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
            "access_details",
            "price_cents",
            "exclusive_pro",
            "fallback_to_others",
            "booking_deadline",
            "created_at",
            "booking",
            "counter_offers",
        ]

    @extend_schema_field(CounterOfferOutSerializer(many=True))
    def get_counter_offers(self, obj):
        # Prefetched by selectors.booking_requests_for_customer; one query otherwise.
        counters = getattr(obj, "open_counter_offers", None)
        if counters is None:
            counters = obj.counter_offers.filter(status=CounterOffer.Status.OPEN).select_related(
                "pro__user"
            )
        return CounterOfferOutSerializer(counters, many=True).data


class BookingRequestInSerializer(serializers.Serializer):
    """The shape of a request; its business rules (card, lead time, who covers the address,
    who may be booked directly) are the service's."""

    service = serializers.IntegerField()
    address = serializers.IntegerField()
    start = AwareDateTimeField()
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=BookingRequest.NOTES_MAX_LENGTH,
        default="",
    )
    access_details = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=BookingRequest.ACCESS_DETAILS_MAX_LENGTH,
        default="",
        help_text=(
            "Door code, floor, intercom. Shown only to the pro booked for the session, from "
            "acceptance; never on proposals. Put what every pro may read in `notes`."
        ),
    )
    pro = serializers.IntegerField(required=False, allow_null=True, default=None)
    fallback_to_others = serializers.BooleanField(required=False, default=False)
    link = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")

    # By primary key with `get` (not `first`, which would sort by the models' ordering: the
    # service's joins its category).
    def validate_service(self, value):
        try:
            return Service.objects.active().select_related("category").get(pk=value)
        except Service.DoesNotExist:
            raise serializers.ValidationError(_("Unknown service.")) from None

    def validate_address(self, value):
        try:
            return self.context["customer"].addresses.active().get(pk=value)
        except Address.DoesNotExist:
            raise serializers.ValidationError(_("Unknown address.")) from None

    def validate_pro(self, value):
        if value is None:
            return None
        pro = Pro.objects.select_related("user").filter(pk=value).first()
        if pro is None:
            raise serializers.ValidationError(_("Unknown pro."))
        return pro


class CustomerBookingOutSerializer(serializers.ModelSerializer):
    pro = ProBriefOutSerializer()
    request = serializers.IntegerField(source="request_id")
    service_name = serializers.CharField(source="service.name")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    notes = serializers.CharField(source="request.notes")
    access_details = serializers.CharField(source="request.access_details")

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
            "notes",
            "access_details",
            "price_cents",
        ]


# --- access-checked getters -------------------------------------------------------------------


def _requests_of(customer):
    return selectors.booking_requests_for_customer(customer=customer)


def _own_request(customer, pk) -> BookingRequest:
    return get_object_or_404(BookingRequest, pk=pk, customer=customer)


def _own_counter_offer(customer, pk) -> CounterOffer:
    return get_object_or_404(CounterOffer, pk=pk, request__customer=customer)


def _request_payload(customer, pk) -> dict:
    """The request as the customer reads it, after a change (fresh, with its booking)."""
    return BookingRequestOutSerializer(_requests_of(customer).get(pk=pk)).data


def _created_payload(booking_request: BookingRequest) -> dict:
    """A request just created, as the customer reads it, from the row the service wrote: it has
    no booking and no other time proposed yet (one re-read less on every POST; pinned equal
    to `_request_payload` by a test)."""
    booking_request.open_counter_offers = []
    BookingRequest.booking.related.set_cached_value(booking_request, None)
    return BookingRequestOutSerializer(booking_request).data


# --- booking requests -------------------------------------------------------------------------


class BookingRequestListCreateApi(generics.ListAPIView):
    serializer_class = BookingRequestOutSerializer

    def get_queryset(self):
        return _requests_of(customer_for(self.request.user))

    @extend_schema(tags=[REQUESTS_TAG], summary="My booking requests, newest first")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Ask for a session: dispatch to pros starts at once",
        description=(
            "Refusals in this order: blacklisted (403 `customer_blacklisted`), bad input "
            "(400 `invalid`), no saved card (`payment_method_required`), less than 2 hours "
            "ahead (`too_late_to_book`), nobody covers the address (`no_pro_in_area`), or for "
            "a request to one pro, that pro is not free then (`slot_unavailable`); an open "
            "request of yours for the same address and an overlapping time already exists "
            "(409 `duplicate_request`)."
        ),
        request=BookingRequestInSerializer,
        responses={
            201: BookingRequestOutSerializer,
            409: OpenApiResponse(description="`duplicate_request`: already asked for this home"),
        },
    )
    def post(self, request):
        customer = customer_for(request.user)
        # A blacklisted customer hears so before anything about their input.
        services.customer_ensure_may_book(customer=customer)
        serializer = BookingRequestInSerializer(data=request.data, context={"customer": customer})
        serializer.is_valid(raise_exception=True)
        booking_request = services.booking_request_create(
            customer=customer, actor=request.user, **serializer.validated_data
        )
        return Response(_created_payload(booking_request), status=status.HTTP_201_CREATED)


class BookingRequestDetailApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="One of my booking requests, with its booking and open counter-offers",
        responses={200: BookingRequestOutSerializer},
    )
    def get(self, request, pk):
        customer = customer_for(request.user)
        booking_request = get_object_or_404(_requests_of(customer), pk=pk)
        return Response(BookingRequestOutSerializer(booking_request).data)


def _cancel_reason(data):
    """The optional `reason` of a cancellation, as sent: the service checks free text
    (core.text.clean_text), so nothing is str()'d here."""
    return data.get("reason", "") if hasattr(data, "get") else ""


class BookingRequestCancelApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Cancel a request before it is confirmed",
        description="An optional `reason` (text, at most 200 characters are kept) may be sent.",
        request=None,
        responses={200: BookingRequestOutSerializer},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        booking_request = _own_request(customer, pk)
        services.booking_request_cancel(
            request=booking_request,
            by=request.user,
            reason=_cancel_reason(request.data) or "customer",
        )
        return Response(_request_payload(customer, pk))


class AccessDetailsInSerializer(serializers.Serializer):
    access_details = StrictCharField(
        allow_blank=True, max_length=BookingRequest.ACCESS_DETAILS_MAX_LENGTH
    )


class BookingRequestAccessDetailsApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Change the access details (door code, floor, intercom)",
        description=(
            "While the request is open, or booked and confirmed (409 `request_unavailable` "
            "otherwise). Only the pro booked for the session reads them, from acceptance."
        ),
        request=AccessDetailsInSerializer,
        responses={200: BookingRequestOutSerializer},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        booking_request = _own_request(customer, pk)
        data = validated(AccessDetailsInSerializer, request.data)
        services.booking_request_access_details_set(
            request=booking_request, customer=customer, access_details=data["access_details"]
        )
        return Response(_request_payload(customer, pk))


class BookingRequestConfirmApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Confirm a session a pro set up for me",
        request=None,
        responses={200: BookingRequestOutSerializer},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        booking_request = _own_request(customer, pk)
        services.booking_request_confirm(request=booking_request, customer=customer)
        return Response(_request_payload(customer, pk))


class BookingRequestDeclineApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Decline a session a pro set up for me",
        request=None,
        responses={200: BookingRequestOutSerializer},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        booking_request = _own_request(customer, pk)
        services.booking_request_decline(request=booking_request, customer=customer)
        return Response(_request_payload(customer, pk))


# --- counter-offers (another time proposed by a pro) ------------------------------------------


class CounterOfferAcceptApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Accept the other time a pro proposed: the session is booked",
        request=None,
        responses={200: BookingRequestOutSerializer},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        counter = _own_counter_offer(customer, pk)
        services.counter_offer_accept(counter_offer=counter, customer=customer)
        return Response(_request_payload(customer, counter.request_id))


class CounterOfferDeclineApi(APIView):
    @extend_schema(
        tags=[REQUESTS_TAG],
        summary="Decline the other time a pro proposed",
        request=None,
        responses={200: BookingRequestOutSerializer},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        counter = _own_counter_offer(customer, pk)
        services.counter_offer_decline(counter_offer=counter, customer=customer)
        return Response(_request_payload(customer, counter.request_id))


# --- bookings ---------------------------------------------------------------------------------


class CustomerBookingListApi(generics.ListAPIView):
    serializer_class = CustomerBookingOutSerializer

    def get_queryset(self):
        return selectors.bookings_for_customer(customer=customer_for(self.request.user))

    @extend_schema(tags=[BOOKINGS_TAG], summary="My bookings, latest start first")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class CustomerBookingDetailApi(APIView):
    @extend_schema(
        tags=[BOOKINGS_TAG],
        summary="One of my bookings",
        responses={200: CustomerBookingOutSerializer},
    )
    def get(self, request, pk):
        queryset = selectors.bookings_for_customer(customer=customer_for(request.user))
        return Response(CustomerBookingOutSerializer(get_object_or_404(queryset, pk=pk)).data)
