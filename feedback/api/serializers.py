"""Serializers shared by the customer and pro sides of the feedback API."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from core.api import StrictCharField

from .. import rules
from ..masking import KINDS
from ..models import Message, Report, Review, Side, SupportMessage


class MessageInSerializer(serializers.Serializer):
    """Types only: length and emptiness are the service's rules (400 `invalid`, field body)."""

    body = StrictCharField(
        allow_blank=True, trim_whitespace=False, help_text="1-2,000 characters once trimmed."
    )


class MessageOutSerializer(serializers.ModelSerializer):
    sender = serializers.ChoiceField(
        source="sender_side", choices=Side.choices, help_text="Which side wrote it."
    )
    sender_name = serializers.CharField(source="sender.first_name")
    mine = serializers.SerializerMethodField()
    masked = serializers.ListField(
        child=serializers.ChoiceField(choices=KINDS),
        help_text="What was hidden from the text (phone, email, link); empty if nothing.",
    )

    class Meta:
        model = Message
        fields = ["id", "booking", "sender", "sender_name", "mine", "body", "masked"]
        fields += ["created_at", "read_at"]

    def get_mine(self, message) -> bool:
        return message.sender_side == self.context.get("side")


class ReviewInSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=rules.RATING_MIN, max_value=rules.RATING_MAX)
    comment = StrictCharField(
        required=False, allow_blank=True, max_length=rules.REVIEW_COMMENT_MAX_LENGTH
    )


class ReviewOutSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="booking.service.name")
    customer_name = serializers.CharField(source="customer.user.first_name")
    session_start = serializers.DateTimeField(source="booking.start")

    class Meta:
        model = Review
        fields = ["id", "booking", "pro", "rating", "comment", "service_name", "customer_name"]
        fields += ["session_start", "created_at"]


class ReportOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "kind", "status", "booking", "details", "created_at"]


class CustomerReportInSerializer(serializers.Serializer):
    details = StrictCharField(allow_blank=True, help_text="What happened (required).")


class ProReportInSerializer(serializers.Serializer):
    # The full list (one enum in the schema); pro_behaviour is the customers' and is refused.
    kind = serializers.ChoiceField(
        choices=Report.Kind.choices,
        help_text="proposal, message or customer_behaviour (pro_behaviour is for customers).",
    )
    id = serializers.IntegerField(
        min_value=1,
        help_text="The reported object: the proposal (kind proposal), the message (message) or "
        "the booking (customer_behaviour).",
    )
    details = StrictCharField(
        required=False, allow_blank=True, help_text="Required for customer_behaviour."
    )


class SupportMessageInSerializer(serializers.Serializer):
    body = StrictCharField(allow_blank=True, trim_whitespace=False)
    booking = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="One of your bookings, if any."
    )


class SupportMessageOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportMessage
        fields = ["id", "from_support", "body", "booking", "created_at", "read_at"]


# Statuses only the services know, declared per operation (core.openapi fills the envelope).
NOT_YOURS = OpenApiResponse(description="Not found, or not your booking (`not_found`).")
CLOSED = OpenApiResponse(
    description="The conversation is read-only (`conversation_closed`): from acceptance until "
    "7 days after the session, never on a cancelled booking."
)
TOO_FAST = OpenApiResponse(
    description="Too many messages from you (`too_many_messages`); see Retry-After."
)
