"""A booking's conversation between its customer and its pro.

Before anyone sees a message its contact details are masked (feedback/masking.py); the
original is kept for support only and the message is flagged (an AuditEvent
`message.flagged`, with the pro, so repeated attempts show on the pro's admin page). Refusals,
in this order: not your booking 404; empty or over 2,000 characters 400; a blacklisted
customer 403 `customer_blacklisted`; the conversation is closed 409 `conversation_closed`; too
many messages 429 `too_many_messages`.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bookings.models import Booking
from core import clock
from core.audit import audit
from core.errors import NotFound
from core.text import clean_text
from customers.selectors import ensure_can_book
from notifications.models import Notification

from .. import notifications, rules
from ..errors import ConversationClosed, TooManyMessages
from ..masking import mask_contacts
from ..models import Message, Side


def _check_party(booking: Booking, *, sender, side: str) -> None:
    owner_id = booking.customer.user_id if side == Side.CUSTOMER else booking.pro.user_id
    if owner_id != sender.pk:
        raise NotFound()


def check_rate(sender, *, model, author_field: str, limits, now) -> None:
    """Raise TooManyMessages when `sender` reached one of `limits` (see rules)."""

    def sent_since(moment) -> int:
        return model.objects.filter(**{author_field: sender, "created_at__gt": moment}).count()

    window = rules.rate_limit_exceeded(sent_since, now=now, limits=limits)
    if window is not None:
        raise TooManyMessages(retry_after=int(window.total_seconds()))


def message_send(*, booking: Booking, sender, side: str, body) -> Message:
    """`sender` (the booking's customer or pro, per `side`) writes on the booking's
    conversation; the other party is notified in their language."""
    _check_party(booking, sender=sender, side=side)
    body = clean_text(body, field="body", required=True, max_length=rules.MESSAGE_MAX_LENGTH)
    with transaction.atomic():
        # One sender's messages are written one after the other, so the rate limit counts
        # true. FOR NO KEY UPDATE: rows that merely reference the user (the notification to
        # them in the other side's send) are not blocked, so two sides writing at once never
        # wait on each other in a circle.
        get_user_model().objects.select_for_update(no_key=True).filter(pk=sender.pk).first()
        booking = Booking.objects.select_related("service", "customer__user", "pro__user").get(
            pk=booking.pk
        )
        if side == Side.CUSTOMER:
            ensure_can_book(booking.customer)
        now = clock.now()
        if not rules.conversation_is_open(booking, now=now):
            raise ConversationClosed()
        check_rate(
            sender,
            model=Message,
            author_field="sender",
            limits=rules.MESSAGE_RATE_LIMITS,
            now=now,
        )
        masked = mask_contacts(body)
        message = Message.objects.create(
            booking=booking,
            sender=sender,
            sender_side=side,
            body=masked.text,
            original_body=body if masked.changed else "",
            masked=list(masked.kinds),
            is_flagged=masked.changed,
            created_at=now,
        )
        if masked.changed:
            audit(
                action="message.flagged",
                subject=message,
                actor=sender,
                data={
                    "booking": booking.pk,
                    "pro": booking.pro_id,
                    "customer": booking.customer_id,
                    "side": side,
                    "masked": list(masked.kinds),
                },
            )
        notifications.tell_message_received(message, booking)
    return message


def thread_mark_read(*, booking: Booking, reader, side: str) -> int:
    """The reader opened the conversation: the other side's messages are read, and so are
    the reader's notifications about it. Returns how many messages became read."""
    _check_party(booking, sender=reader, side=side)
    now = timezone.now()
    count = (
        Message.objects.filter(booking=booking, read_at__isnull=True)
        .exclude(sender_side=side)
        .update(read_at=now)
    )
    Notification.objects.filter(
        user=reader,
        kind=notifications.MESSAGE_NEW,
        read_at__isnull=True,
        data__booking=booking.pk,
    ).update(read_at=now)
    return count
