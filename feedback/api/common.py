"""What both sides' conversation endpoints share: the thread list + write view, and the
Retry-After of a refused message."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from core.api import validated

from .. import selectors, services
from ..errors import TooManyMessages
from .serializers import (
    CLOSED,
    NOT_YOURS,
    TOO_FAST,
    MessageInSerializer,
    MessageOutSerializer,
)


class RetryAfterMixin:
    """A refused message (429 `too_many_messages`) says when to try again."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, TooManyMessages):
            response["Retry-After"] = str(exc.retry_after)
        return response


class ThreadApi(RetryAfterMixin, generics.ListAPIView):
    """GET: the booking's messages, newest last (opening them marks the other side's read).
    POST: write one. Subclasses say whose booking it is (`side`, `booking_for`)."""

    serializer_class = MessageOutSerializer
    side = ""
    tag = ""

    def booking_for(self, request, pk):
        """The booking `pk` of the signed-in customer or pro (404 otherwise): each side's view
        defines it; this base is never routed."""
        raise NotImplementedError(f"{type(self).__name__} must define booking_for()")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "side": self.side}

    def get_queryset(self):
        return selectors.thread_for(self.booking)

    def list_thread(self, request, pk):
        self.booking = self.booking_for(request, pk)
        services.thread_mark_read(booking=self.booking, reader=request.user, side=self.side)
        return self.list(request)

    def write(self, request, pk):
        booking = self.booking_for(request, pk)
        data = validated(MessageInSerializer, request.data)
        message = services.message_send(
            booking=booking, sender=request.user, side=self.side, body=data["body"]
        )
        body = MessageOutSerializer(message, context={"side": self.side}).data
        return Response(body, status=status.HTTP_201_CREATED)


def thread_schema(tag: str, who: str):
    """The schema of both methods of a ThreadApi."""
    list_schema = extend_schema(
        tags=[tag],
        summary=f"The booking's conversation with the {who}, newest last",
        description="Opening it marks the other side's messages read (`read_at`).",
        responses={200: MessageOutSerializer(many=True), 404: NOT_YOURS},
    )
    write_schema = extend_schema(
        tags=[tag],
        summary=f"Write to the {who} about the booking",
        description=(
            "Phone numbers, e-mail addresses and links are masked before anyone reads the "
            "message (`masked` says what was hidden; support keeps the original). Refusals in "
            "this order: not your booking 404; empty or over 2,000 characters 400 `invalid`; "
            "blacklisted customer 403 `customer_blacklisted`; read-only conversation 409 "
            "`conversation_closed`; too fast 429 `too_many_messages`."
        ),
        request=MessageInSerializer,
        responses={201: MessageOutSerializer, 404: NOT_YOURS, 409: CLOSED, 429: TOO_FAST},
    )
    return list_schema, write_schema
