"""Customer side of the feedback API (the customer app): a booking's conversation with its
pro, rating a completed session, reporting the pro, a pro's reviews, and writing to support
(any signed-in person: customers and pros alike).

Someone else's booking answers 404; an account without a customer profile 403
`not_a_customer`.
"""

from collections import OrderedDict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from core.api_input import PageNumberPagination
from core.errors import NotFound
from customers.selectors import customer_for
from pros.models import Pro

from .. import rules, selectors, services
from ..models import Side
from .common import RetryAfterMixin, ThreadApi, thread_schema
from .serializers import (
    NOT_YOURS,
    TOO_FAST,
    CustomerReportInSerializer,
    ReportOutSerializer,
    ReviewInSerializer,
    ReviewOutSerializer,
    SupportMessageInSerializer,
    SupportMessageOutSerializer,
)

TAG = "customer"
SUPPORT_TAG = "support"

_thread_list, _thread_write = thread_schema(TAG, "pro")


class CustomerMessagesApi(ThreadApi):
    side = Side.CUSTOMER

    def booking_for(self, request, pk):
        return selectors.booking_of_customer(customer=customer_for(request.user), booking_id=pk)

    @_thread_list
    def get(self, request, pk):
        return self.list_thread(request, pk)

    @_thread_write
    def post(self, request, pk):
        return self.write(request, pk)


class CustomerReviewApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Rate a completed session (1-5, optional comment), once",
        description=(
            "Only the booking's customer (else 404), only once the session is done (409 "
            "`review_not_allowed`), once (409 `already_reviewed`). Contact details in the "
            "comment are masked."
        ),
        request=ReviewInSerializer,
        responses={
            201: ReviewOutSerializer,
            404: NOT_YOURS,
            409: OpenApiResponse(description="`review_not_allowed` or `already_reviewed`."),
        },
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        booking = selectors.booking_of_customer(customer=customer, booking_id=pk)
        data = validated(ReviewInSerializer, request.data)
        review = services.review_create(
            booking=booking,
            customer=customer,
            rating=data["rating"],
            comment=data.get("comment", ""),
        )
        return Response(ReviewOutSerializer(review).data, status=status.HTTP_201_CREATED)


class CustomerReportApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Report the pro's behaviour at one of my sessions",
        description="Reporting the same booking again while support has not handled the "
        "first report answers that report (200).",
        request=CustomerReportInSerializer,
        responses={201: ReportOutSerializer, 200: ReportOutSerializer, 404: NOT_YOURS},
    )
    def post(self, request, pk):
        customer = customer_for(request.user)
        booking = selectors.booking_of_customer(customer=customer, booking_id=pk)
        data = validated(CustomerReportInSerializer, request.data)
        report, created = services.report_by_customer(
            customer=customer, booking=booking, details=data["details"]
        )
        return Response(
            ReportOutSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReviewPagination(PageNumberPagination):
    """The usual page, with the pro's average (null under 3 reviews) beside it."""

    def paginate_queryset(self, queryset, request, view=None):
        self.summary = view.summary if view is not None else {"count": 0, "average": None}
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        average = (
            self.summary["average"] if rules.shows_public_average(self.summary["count"]) else None
        )
        response.data = OrderedDict([*response.data.items(), ("average_rating", average)])
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["average_rating"] = {
            "type": "number",
            "nullable": True,
            "description": "Average of the visible reviews, one decimal; null under 3.",
        }
        return schema


class ProReviewListApi(generics.ListAPIView):
    serializer_class = ReviewOutSerializer
    pagination_class = ReviewPagination

    def get_queryset(self):
        pro = Pro.objects.filter(pk=self.kwargs["pk"]).first()
        if pro is None:
            raise NotFound()
        self.summary = selectors.rating_summary(pro)
        return selectors.visible_reviews_of(pro)

    @extend_schema(
        tags=[TAG],
        summary="A pro's reviews, newest first, with their average",
        responses={200: ReviewOutSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class SupportMessagesApi(RetryAfterMixin, generics.ListAPIView):
    serializer_class = SupportMessageOutSerializer

    def get_queryset(self):
        return selectors.support_thread_for(self.request.user)

    @extend_schema(
        tags=[SUPPORT_TAG],
        summary="My conversation with support, newest last",
        description="Opening it marks support's answers read.",
        responses={200: SupportMessageOutSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        services.support_thread_mark_read(user=request.user)
        return self.list(request, *args, **kwargs)

    @extend_schema(
        tags=[SUPPORT_TAG],
        summary="Write to support, optionally about one of my bookings",
        description="A closed conversation reopens. Support answers in the app and by e-mail.",
        request=SupportMessageInSerializer,
        responses={201: SupportMessageOutSerializer, 429: TOO_FAST},
    )
    def post(self, request):
        data = validated(SupportMessageInSerializer, request.data)
        message = services.support_message_send(
            user=request.user, body=data["body"], booking_id=data.get("booking")
        )
        return Response(SupportMessageOutSerializer(message).data, status=status.HTTP_201_CREATED)
