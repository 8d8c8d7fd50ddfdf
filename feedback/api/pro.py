"""Pro side of the feedback API (the pro mobile app): a booking's conversation with its
customer, and reports (a proposal, a customer's message, a customer's behaviour).

Every view needs a pro profile (pros.api_access.IsPro: 403 `not_a_pro`); someone else's
booking, proposal or message answers 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from pros.api_access import IsPro

from .. import selectors, services
from ..models import Side
from .common import ThreadApi, thread_schema
from .serializers import NOT_YOURS, ProReportInSerializer, ReportOutSerializer

TAG = "pro"

_thread_list, _thread_write = thread_schema(TAG, "customer")


class ProMessagesApi(ThreadApi):
    permission_classes = [IsPro]
    side = Side.PRO

    def booking_for(self, request, pk):
        return selectors.booking_of_pro(pro=request.pro, booking_id=pk)

    @_thread_list
    def get(self, request, pk):
        return self.list_thread(request, pk)

    @_thread_write
    def post(self, request, pk):
        return self.write(request, pk)


class ProReportApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=[TAG],
        summary="Report a proposal, a customer's message or a customer's behaviour",
        description=(
            "`id` is the proposal (kind `proposal`: an inappropriate comment), the customer's "
            "message (`message`) or the booking (`customer_behaviour`, `details` required). "
            "Someone else's object answers 404; reporting the same object again while support "
            "has not handled the first report answers that report (200)."
        ),
        request=ProReportInSerializer,
        responses={201: ReportOutSerializer, 200: ReportOutSerializer, 404: NOT_YOURS},
    )
    def post(self, request):
        data = validated(ProReportInSerializer, request.data)
        report, created = services.report_by_pro(
            pro=request.pro,
            kind=data["kind"],
            object_id=data["id"],
            details=data.get("details", ""),
        )
        return Response(
            ReportOutSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
