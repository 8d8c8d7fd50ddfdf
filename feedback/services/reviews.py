"""Reviews: the invitation once a session is done, the customer's rating, support hiding an
abusive one.

Each review is recorded for the pro score (a later issue) as an AuditEvent on the pro:
`review.recorded` {review, booking, rating} when written, `review.hidden` {review, rating,
reason} when support hides it, so the score reads one kind of row, in core, whatever app
computes it. Refusals of `review_create`, in this order: not your booking 404; bad rating or
comment 400; blacklisted 403; not completed 409 `review_not_allowed`; already rated 409
`already_reviewed` (a database constraint settles a race).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.models import Booking
from core import clock
from core.audit import audit
from core.errors import InvalidInput, NotFound
from core.text import clean_text
from customers.selectors import ensure_can_book
from pros import scoring

from .. import notifications, rules
from ..errors import AlreadyReviewed, ReviewNotAllowed
from ..masking import mask_contacts
from ..models import Review, ReviewInvitation

# Sessions completed longer ago than this get no invitation (e.g. history loaded at once).
INVITATION_MAX_AGE = timedelta(days=3)
INVITATION_BATCH = 200


def _clean_rating(rating) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise InvalidInput(fields={"rating": [_("Give a whole number from 1 to 5.")]})
    if not rules.RATING_MIN <= rating <= rules.RATING_MAX:
        raise InvalidInput(fields={"rating": [_("Give a whole number from 1 to 5.")]})
    return rating


def review_create(*, booking: Booking, customer, rating, comment="") -> Review:
    """The booking's customer rates the completed session, once."""
    if booking.customer_id != customer.pk:
        raise NotFound()
    rating = _clean_rating(rating)
    comment = clean_text(comment, field="comment", max_length=rules.REVIEW_COMMENT_MAX_LENGTH)
    ensure_can_book(customer)
    booking = Booking.objects.select_related("service", "pro__user").get(pk=booking.pk)
    if not rules.review_allowed(booking):
        raise ReviewNotAllowed()
    if Review.objects.filter(booking=booking).exists():
        raise AlreadyReviewed()
    masked = mask_contacts(comment)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                booking=booking,
                pro=booking.pro,
                customer=customer,
                rating=rating,
                comment=masked.text,
                original_comment=comment if masked.changed else "",
                created_at=clock.now(),
            )
            audit(
                action="review.recorded",
                subject=booking.pro,
                actor=customer.user,
                data={"review": review.pk, "booking": booking.pk, "rating": rating},
            )
            scoring.score_rating_received(
                pro_id=booking.pro_id, review_id=review.pk, stars=rating, at=review.created_at
            )
            notifications.tell_pro_new_review(review)
    except IntegrityError as exc:  # the same review sent twice at once
        raise AlreadyReviewed() from exc
    return review


def review_hide(*, review: Review, by, reason) -> Review:
    """Support hides an abusive review with a reason (idempotent): it counts for nothing."""
    reason = clean_text(reason, field="reason", required=True, max_length=500)
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("pro").get(pk=review.pk)
        if review.is_hidden:
            return review
        review.hidden_at = clock.now()
        review.hidden_by = by if by is not None and by.is_authenticated else None
        review.hidden_reason = reason
        review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        audit(
            action="review.hidden",
            subject=review.pro,
            actor=by,
            data={"review": review.pk, "rating": review.rating, "reason": reason},
        )
        scoring.score_rating_hidden(pro_id=review.pro_id, review_id=review.pk)
    return review


def review_invitation_send(*, booking: Booking) -> bool:
    """E-mail the customer an invitation to rate the completed session, once per booking
    (a unique row). Returns whether it was sent now."""
    with transaction.atomic():
        _invitation, created = ReviewInvitation.objects.get_or_create(
            booking=booking, defaults={"sent_at": clock.now()}
        )
        if created:
            notifications.tell_customer_review_invitation(booking)
    return created


def review_invitations_send_due(*, now=None, limit: int = INVITATION_BATCH) -> int:
    """The sweep: completed sessions (recent, not rated yet) whose customer was not invited.
    Safe to run twice: an invitation row is unique per booking."""
    now = now or clock.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.COMPLETED,
            completed_at__gte=now - INVITATION_MAX_AGE,
            review_invitation__isnull=True,
            review__isnull=True,
        )
        .select_related("service", "pro__user", "customer__user")
        .order_by("completed_at", "pk")[:limit]
    )
    return sum(review_invitation_send(booking=booking) for booking in due)
