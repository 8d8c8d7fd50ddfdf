"""Every message talking, rating and reporting send, in the recipient's language, in one place.

Called inside the transition's transaction: the in-app row is written with it, the e-mail
leaves on commit (notifications.services.notify). Pros get a link to their web pages
(reversed, never written out); customers' messages have no web link (their app shows them).
"""

from datetime import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core import clock
from core.i18n import language_of
from notifications.models import Notification
from notifications.services import notify

MESSAGE_NEW = "message_new"
SUPPORT_ANSWER = "support_answer"
REVIEW_INVITATION = "review_invitation"
REVIEW_NEW = "review_new"
REPORT_HANDLED = "report_handled"
WARNING = "support_warning"
BLACKLISTED = "customer_blacklisted"

# How much of a message the notification (and its e-mail) quotes.
QUOTE_CHARS = 300


def _when(moment: datetime) -> str:
    return clock.to_paris(moment).strftime("%d/%m/%Y %H:%M")


def _send(user, kind: str, build, *, url: str = "", **data) -> None:
    """`build()` returns (title, body) and runs in the recipient's language."""
    with translation.override(language_of(user)):
        title, body = build()
    notify(user=user, kind=kind, title=str(title), body=str(body), url=url, data=data)


def _booking_url(booking) -> str:
    return reverse("bookings:booking", args=[booking.pk])


def _session(booking) -> dict:
    return {"service": booking.service.name, "when": _when(booking.start)}


# --- messages ---------------------------------------------------------------------------------


def tell_message_received(message, booking) -> None:
    """The other party of the booking learns of a new message (masked text quoted). One
    notification per burst: none while an earlier one about this conversation is unread."""
    to_pro = message.sender_side == "customer"
    user = booking.pro.user if to_pro else booking.customer.user
    if Notification.objects.filter(
        user=user, kind=MESSAGE_NEW, read_at__isnull=True, data__booking=booking.pk
    ).exists():
        return
    sender_name = message.sender.first_name

    def build():
        title = _("New message from %(name)s: %(service)s on %(when)s") % {
            "name": sender_name,
            **_session(booking),
        }
        return title, Truncator(message.body).chars(QUOTE_CHARS)

    _send(user, MESSAGE_NEW, build, url=_booking_url(booking) if to_pro else "", booking=booking.pk)


# --- support ----------------------------------------------------------------------------------


def tell_support_answer(support_message, *, to_pro: bool) -> None:
    user = support_message.conversation.user

    def build():
        return _("Support answered you"), Truncator(support_message.body).chars(QUOTE_CHARS)

    _send(
        user,
        SUPPORT_ANSWER,
        build,
        url=reverse("feedback:support") if to_pro else "",
        conversation=support_message.conversation_id,
    )


# --- reviews ----------------------------------------------------------------------------------


def tell_customer_review_invitation(booking) -> None:
    def build():
        title = _("How was your session with %(name)s?") % {"name": booking.pro.user.first_name}
        body = _(
            "Rate your %(service)s session of %(when)s in the app: it takes a minute and helps "
            "other customers choose."
        ) % _session(booking)
        return title, body

    _send(booking.customer.user, REVIEW_INVITATION, build, booking=booking.pk)


def tell_pro_new_review(review) -> None:
    booking = review.booking

    def build():
        title = _("New review: %(rating)d/5 for %(service)s on %(when)s") % {
            "rating": review.rating,
            **_session(booking),
        }
        return title, Truncator(review.comment).chars(QUOTE_CHARS)

    _send(review.pro.user, REVIEW_NEW, build, url=reverse("feedback:reviews"), review=review.pk)


# --- reports and the blacklist ----------------------------------------------------------------


def tell_reporter_handled(report) -> None:
    def build():
        return (
            _("Your report was handled"),
            _("Thank you: our support team looked into your report and took action."),
        )

    url = reverse("feedback:support") if report.reporter_side == "pro" else ""
    _send(report.reporter, REPORT_HANDLED, build, url=url, report=report.pk)


def tell_warning(user, *, text: str, is_pro: bool, report_id: int) -> None:
    """Support warns the reported person, with support's own words."""

    def build():
        return _("A warning from Wecasa support"), text

    url = reverse("feedback:support") if is_pro else ""
    _send(user, WARNING, build, url=url, report=report_id)


def tell_customer_blacklisted(customer, *, cancelled: int) -> None:
    def build():
        body = _(
            "Your account can no longer book sessions on Wecasa. Contact support if you think "
            "this is a mistake."
        )
        if cancelled:
            body += " " + _(
                "Your planned sessions and open requests were cancelled, free of charge."
            )
        return _("Your account can no longer book"), body

    _send(customer.user, BLACKLISTED, build)
