"""Customer REST API: auth (register, tokens, password reset), profile, addresses. Thin views:
validate the shape, call the services / selectors, serialize.

Every auth door is throttled per client address (core.doors.ScopedThrottle: `login`,
`register`, `password_reset`); logins are also locked per e-mail+address by django-axes.

This module is the house style for every app's api.py (see the README's design notes):
`<Resource><Action>Api` classes, `*InSerializer` / `*OutSerializer`, `extend_schema(tags,
summary)` on every handler, snake_case URL names.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import services as accounts
from core.api import StrictCharField, validated
from core.doors import ScopedThrottle
from core.i18n import language_of

from . import selectors, services
from .models import Address

# --- serializers ------------------------------------------------------------------------------


class UserOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True, help_text="E.164, e.g. +33612345678")
    is_customer = serializers.BooleanField(read_only=True)
    is_pro = serializers.BooleanField(read_only=True)
    has_payment_method = serializers.BooleanField(read_only=True)
    language = serializers.CharField(read_only=True)


def user_payload(user) -> dict:
    customer = selectors.customer_or_none(user)
    return UserOutSerializer(
        {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": language_of(user),
            "is_customer": customer is not None,
            # Reverse one-to-one from pros.Pro (string relation: customers never imports pros).
            "is_pro": hasattr(user, "pro"),
            "has_payment_method": customer is not None and selectors.has_payment_method(customer),
        }
    ).data


class TokenOutSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the token expires if unused; every use pushes this back.",
    )
    user = UserOutSerializer()


def token_payload(issued, user) -> dict:
    return {"token": issued.key, "expires_at": issued.expires_at, "user": user_payload(user)}


class TokensRevokedOutSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many tokens (devices) were logged out.")


class RegisterInSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False, write_only=True)
    first_name = StrictCharField(max_length=150)
    last_name = StrictCharField(max_length=150)
    phone = StrictCharField(max_length=32, help_text="French numbers may omit +33.")


class TokenInSerializer(serializers.Serializer):
    email = StrictCharField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False, write_only=True)


class PasswordResetInSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class MeInSerializer(serializers.Serializer):
    first_name = StrictCharField(max_length=150, required=False)
    last_name = StrictCharField(max_length=150, required=False)
    phone = StrictCharField(max_length=32, required=False)
    language = StrictCharField(
        max_length=8, required=False, help_text="Language of notifications and e-mails: fr or en"
    )

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(_("Give at least one field to change."))
        return data


class AcceptedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- auth -------------------------------------------------------------------------------------


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    # It tells whether an e-mail has an account: only this many times per client address.
    throttle_classes = [ScopedThrottle]
    throttle_scope = "register"

    @extend_schema(
        tags=["auth"],
        summary="Create a customer account",
        request=RegisterInSerializer,
        responses={201: TokenOutSerializer},
    )
    def post(self, request):
        data = validated(RegisterInSerializer, request.data)
        # The app's Accept-Language is the first choice of language; PATCH /me changes it.
        customer = services.customer_register(**data, language=request.LANGUAGE_CODE)
        issued = accounts.auth_token_issue(user=customer.user)
        return Response(TokenOutSerializer(token_payload(issued, customer.user)).data, status=201)


class TokenApi(APIView):
    """POST: log in (customers and pros alike), one token per device; DELETE: log out this
    device (revokes the token it sent)."""

    throttle_scope = "login"

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_authenticators(self):
        # Logging in needs no credentials: a stale token must not prevent it. (Django's
        # View.setup has already set self.request to the HttpRequest here.)
        request = getattr(self, "request", None)
        if request is not None and request.method == "POST":
            return []
        return super().get_authenticators()

    def get_throttles(self):
        if self.request.method == "POST":
            return [ScopedThrottle()]
        return []

    @extend_schema(
        tags=["auth"],
        summary="Log in: get an API token for this device",
        description=(
            "Each login gives a new token (one per device). A token expires after a period "
            "unused (`expires_at`, pushed back by every use) and dies when the password "
            "changes. After repeated failures for one e-mail from one address, logins are "
            "refused for a while (429 `account_locked`), even with the right password."
        ),
        request=TokenInSerializer,
        responses={200: TokenOutSerializer},
    )
    def post(self, request):
        data = validated(TokenInSerializer, request.data)
        user, issued = accounts.auth_token_login(
            email=data["email"], password=data["password"], request=request._request
        )
        return Response(TokenOutSerializer(token_payload(issued, user)).data)

    @extend_schema(
        tags=["auth"], summary="Log out this device: revoke its API token", responses={204: None}
    )
    def delete(self, request):
        accounts.auth_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokensApi(APIView):
    """DELETE: log out everywhere (every token of the account, this one included)."""

    @extend_schema(
        tags=["auth"],
        summary="Log out everywhere: revoke every API token of my account",
        request=None,
        responses={200: TokensRevokedOutSerializer},
    )
    def delete(self, request):
        count = accounts.auth_tokens_revoke_all(
            user=request.user, reason="logout_everywhere", actor=request.user
        )
        return Response({"revoked": count})


class PasswordResetApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        tags=["auth"],
        summary="E-mail a password reset link",
        description="Always answers 202, whether or not an account uses this address.",
        request=PasswordResetInSerializer,
        responses={202: AcceptedOutSerializer},
    )
    def post(self, request):
        data = validated(PasswordResetInSerializer, request.data)
        accounts.password_reset_request(email=data["email"])
        return Response(
            {
                "detail": str(
                    _("If an account uses this address, a reset link has been sent to it.")
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


# --- profile ----------------------------------------------------------------------------------


class MeApi(APIView):
    @extend_schema(tags=["me"], summary="My profile", responses={200: UserOutSerializer})
    def get(self, request):
        return Response(user_payload(request.user))

    @extend_schema(
        tags=["me"],
        summary="Update my profile (e-mail cannot be changed)",
        description="Give at least one field; an empty value is refused.",
        request=MeInSerializer,
        responses={200: UserOutSerializer},
    )
    def patch(self, request):
        data = validated(MeInSerializer, request.data)
        accounts.user_profile_update(user=request.user, **data)
        return Response(user_payload(request.user))


class MeCustomerApi(APIView):
    @extend_schema(
        tags=["me"],
        summary="Create my customer profile (for an account that is only a pro)",
        request=None,
        responses={200: UserOutSerializer, 201: UserOutSerializer},
    )
    def post(self, request):
        existed = selectors.is_customer(request.user)
        services.customer_create_for_user(user=request.user)
        return Response(user_payload(request.user), status=200 if existed else 201)


# --- addresses --------------------------------------------------------------------------------


class AddressOutSerializer(serializers.ModelSerializer):
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False)

    class Meta:
        model = Address
        fields = ["id", "label", "street", "postal_code", "city", "lat", "lng", "created_at"]
        read_only_fields = ["id", "created_at"]


class AddressInSerializer(serializers.Serializer):
    label = StrictCharField(max_length=60, required=False, allow_blank=True, default="")
    street = StrictCharField(max_length=200)
    postal_code = StrictCharField(max_length=10)
    city = StrictCharField(max_length=100)
    # Range checks live in customers.services.address_create (one rule, one place); here only
    # the number format (the service rounds to the six decimals we store).
    lat = serializers.DecimalField(max_digits=None, decimal_places=None, coerce_to_string=False)
    lng = serializers.DecimalField(max_digits=None, decimal_places=None, coerce_to_string=False)


class AddressListCreateApi(generics.ListAPIView):
    serializer_class = AddressOutSerializer

    def get_queryset(self):
        return selectors.address_list(selectors.customer_for(self.request.user))

    @extend_schema(tags=["addresses"], summary="My addresses")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        tags=["addresses"],
        summary="Add an address (geocoded by the app)",
        request=AddressInSerializer,
        responses={201: AddressOutSerializer},
    )
    def post(self, request):
        customer = selectors.customer_for(request.user)
        data = validated(AddressInSerializer, request.data)
        address = services.address_create(customer=customer, **data)
        return Response(AddressOutSerializer(address).data, status=201)


class AddressDetailApi(APIView):
    @extend_schema(
        tags=["addresses"], summary="One of my addresses", responses={200: AddressOutSerializer}
    )
    def get(self, request, pk: int):
        customer = selectors.customer_for(request.user)
        return Response(
            AddressOutSerializer(selectors.address_get(customer=customer, address_id=pk)).data
        )

    @extend_schema(tags=["addresses"], summary="Delete one of my addresses", responses={204: None})
    def delete(self, request, pk: int):
        customer = selectors.customer_for(request.user)
        address = selectors.address_get(customer=customer, address_id=pk)
        services.address_delete(customer=customer, address=address)
        return Response(status=status.HTTP_204_NO_CONTENT)
