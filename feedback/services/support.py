"""Conversations with support: pros (web) and customers (API) write, optionally about one of
their bookings; support answers from the admin and the answer reaches the person in the app
and by e-mail. Support closes a conversation; the person writing again reopens it. Every
opening, reopening, answer and closing is an AuditEvent."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from core import clock
from core.audit import audit
from core.errors import InvalidInput
from core.text import clean_text
from notifications.models import Notification
from pros.models import Pro

from .. import notifications, rules
from ..models import SupportConversation, SupportMessage
from .messages import check_rate

Status = SupportConversation.Status


def _clean_body(body) -> str:
    return clean_text(body, field="body", required=True, max_length=rules.MESSAGE_MAX_LENGTH)


def _own_booking(user, booking_id) -> Booking | None:
    """The booking the person writes about: one of theirs (as customer or pro), else 400."""
    if booking_id in (None, ""):
        return None
    try:
        booking_id = int(booking_id)
    except (TypeError, ValueError):
        booking_id = 0
    booking = (
        Booking.objects.filter(pk=booking_id)
        .filter(Q(customer__user=user) | Q(pro__user=user))
        .first()
    )
    if booking is None:
        raise InvalidInput(fields={"booking": [_("Choose one of your bookings.")]})
    return booking


def _locked_conversation(user) -> tuple[SupportConversation, bool]:
    conversation, created = SupportConversation.objects.get_or_create(user=user)
    if not created:
        conversation = SupportConversation.objects.select_for_update().get(pk=conversation.pk)
    return conversation, created


def support_message_send(*, user, body, booking_id=None) -> SupportMessage:
    """The person writes to support (a closed conversation reopens)."""
    body = _clean_body(body)
    booking = _own_booking(user, booking_id)
    with transaction.atomic():
        conversation, created = _locked_conversation(user)
        now = clock.now()
        check_rate(
            user,
            model=SupportMessage,
            author_field="author",
            limits=rules.SUPPORT_RATE_LIMITS,
            now=now,
        )
        message = SupportMessage.objects.create(
            conversation=conversation, author=user, body=body, booking=booking, created_at=now
        )
        if created or conversation.status == Status.CLOSED:
            audit(
                action="support.opened" if created else "support.reopened",
                subject=conversation,
                actor=user,
                data={"message": message.pk, "booking": booking.pk if booking else None},
            )
        conversation.status = Status.OPEN
        conversation.closed_at = None
        conversation.closed_by = None
        conversation.last_message_at = now
        conversation.save(update_fields=["status", "closed_at", "closed_by", "last_message_at"])
    return message


def support_answer(*, conversation: SupportConversation, by, body) -> SupportMessage:
    """Support answers; the person is told in the app and by e-mail, in their language."""
    body = _clean_body(body)
    with transaction.atomic():
        conversation = (
            SupportConversation.objects.select_for_update()
            .select_related("user")
            .get(pk=conversation.pk)
        )
        now = clock.now()
        message = SupportMessage.objects.create(
            conversation=conversation, author=by, from_support=True, body=body, created_at=now
        )
        # Support's answer settles what the person wrote so far.
        conversation.messages.filter(from_support=False, read_at__isnull=True).update(read_at=now)
        conversation.last_message_at = now
        conversation.save(update_fields=["last_message_at"])
        audit(
            action="support.answered",
            subject=conversation,
            actor=by,
            data={"message": message.pk},
        )
        is_pro = Pro.objects.filter(user=conversation.user).exists()
        notifications.tell_support_answer(message, to_pro=is_pro)
    return message


def support_close(*, conversation: SupportConversation, by) -> SupportConversation:
    """Support closes the conversation (idempotent); it reopens when the person writes."""
    with transaction.atomic():
        conversation = SupportConversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == Status.CLOSED:
            return conversation
        conversation.status = Status.CLOSED
        conversation.closed_at = clock.now()
        conversation.closed_by = by if by is not None and by.is_authenticated else None
        conversation.save(update_fields=["status", "closed_at", "closed_by"])
        audit(action="support.closed", subject=conversation, actor=by)
    return conversation


def support_reopen(*, conversation: SupportConversation, by) -> SupportConversation:
    """Support reopens a closed conversation (idempotent)."""
    with transaction.atomic():
        conversation = SupportConversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == Status.OPEN:
            return conversation
        conversation.status = Status.OPEN
        conversation.closed_at = None
        conversation.closed_by = None
        conversation.save(update_fields=["status", "closed_at", "closed_by"])
        audit(action="support.reopened", subject=conversation, actor=by)
    return conversation


def support_thread_mark_read(*, user) -> int:
    """The person opened their support conversation: support's answers are read, and so are
    the notifications about them."""
    now = timezone.now()
    count = SupportMessage.objects.filter(
        conversation__user=user, from_support=True, read_at__isnull=True
    ).update(read_at=now)
    Notification.objects.filter(
        user=user, kind=notifications.SUPPORT_ANSWER, read_at__isnull=True
    ).update(read_at=now)
    return count
