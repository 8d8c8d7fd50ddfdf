"""Personal data through the API: a copy of my data (`GET /api/v1/me/export`) and closing my
account (`DELETE /api/v1/me`). Thin: validate, call privacy's services, answer.

`/api/v1/me` is customers' MeApi (GET, PATCH) plus DELETE here: this subclass is routed first
(wecasa/urls.py), so the path stays one resource while customers never imports privacy.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictCharField, validated
from core.doors import ScopedThrottle
from customers.api import MeApi

from . import erasure, export


class AccountCloseInSerializer(serializers.Serializer):
    password = StrictCharField(
        max_length=128, trim_whitespace=False, help_text="The account's password, to confirm."
    )


class DataExportOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="pending, ready, expired or failed")
    requested_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="The e-mailed link stops working at this moment."
    )


# GET and PATCH as customers' MeApi; DELETE closes the account. (A comment, not a docstring:
# drf-spectacular would show it as the description of GET and PATCH.)
class MeWithClosureApi(MeApi):
    throttle_scope = "login"  # DELETE only (get_throttles): it takes a password

    def get_throttles(self):
        request = getattr(self, "request", None)
        return [ScopedThrottle()] if getattr(request, "method", "") == "DELETE" else []

    @extend_schema(
        tags=["me"],
        summary="Close my account (personal data erased; bookings and payments kept)",
        description=(
            "Confirm with the password. Open requests and future sessions are cancelled "
            "(free cancellations only: a session that would cost a fee answers 409 "
            "`account_closure_blocked`, as does a session in progress or a payment still "
            "running). Personal fields are erased; bookings, charges and payouts stay for the "
            "accounts (10 years). Every token stops working. A wrong password is 400 `invalid` "
            "on `password` and counts as a failed login."
        ),
        request=AccountCloseInSerializer,
        responses={
            204: None,
            409: OpenApiResponse(
                description="`account_closure_blocked`: something forbids closing now (the "
                "message says what)."
            ),
            429: OpenApiResponse(
                description="`throttled` or `account_locked` (wrong passwords count as logins)."
            ),
        },
    )
    def delete(self, request):
        data = validated(AccountCloseInSerializer, request.data)
        erasure.account_close_by_owner(
            user=request.user, password=data["password"], request=request
        )
        return Response(status=204)


class MeExportApi(APIView):
    @extend_schema(
        tags=["me"],
        summary="Ask for a copy of my data (JSON, e-mailed as a link that expires)",
        description=(
            "202: the copy is being prepared; a link is e-mailed when it is ready and works "
            "for PRIVACY_EXPORT_LINK_HOURS hours. Asking again while it is prepared answers the "
            "same export; a new copy is possible PRIVACY_EXPORT_MIN_INTERVAL_HOURS hours after "
            "the last one (429 `export_too_soon` before)."
        ),
        request=None,
        responses={
            202: DataExportOutSerializer,
            429: OpenApiResponse(description="`export_too_soon`: a copy was asked for recently."),
        },
    )
    def get(self, request):
        created = export.data_export_request(user=request.user)
        return Response(DataExportOutSerializer(created).data, status=202)
