"""Every message talking, rating and reporting send, in one place.

Called inside the transition's transaction: each `tell_*` records the notification as its kind
and parameters (notifications.services.notify: e-mailed and pushed on commit); the `@renderer`
functions say what each kind reads like, rendered when shown in the reader's language of that
moment (quoted messages and support's own words are shown as written). Pros get a link to their web pages
(reversed, never written out); customers' messages have no web link (their app shows them).
"""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from notifications.kinds import iso, localized, names, renderer, when
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


def _send(user, kind: str, params: dict, *, url: str = "", **data) -> None:
    notify(user=user, kind=kind, params=params, url=url, data=data)


def _booking_url(booking) -> str:
    return reverse("bookings:booking", args=[booking.pk])


def _session(booking) -> dict:
    return {"service": names(booking.service), "start": iso(booking.start)}


def _texts(params) -> dict:
    return {"service": localized(params.get("service")), "when": when(params.get("start"))}


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
    params = {
        **_session(booking),
        "name": message.sender.first_name,
        "quote": Truncator(message.body).chars(QUOTE_CHARS),
    }
    url = _booking_url(booking) if to_pro else ""
    _send(user, MESSAGE_NEW, params, url=url, booking=booking.pk)


@renderer(MESSAGE_NEW)
def _render_message(params):
    title = _("New message from %(name)s: %(service)s on %(when)s") % {
        "name": params.get("name", ""),
        **_texts(params),
    }
    return title, params.get("quote", "")


# --- support ----------------------------------------------------------------------------------


def tell_support_answer(support_message, *, to_pro: bool) -> None:
    _send(
        support_message.conversation.user,
        SUPPORT_ANSWER,
        {"quote": Truncator(support_message.body).chars(QUOTE_CHARS)},
        url=reverse("feedback:support") if to_pro else "",
        conversation=support_message.conversation_id,
    )


@renderer(SUPPORT_ANSWER)
def _render_support_answer(params):
    return _("Support answered you"), params.get("quote", "")


# --- reviews ----------------------------------------------------------------------------------


def tell_customer_review_invitation(booking) -> None:
    params = {**_session(booking), "name": booking.pro.user.first_name}
    _send(booking.customer.user, REVIEW_INVITATION, params, booking=booking.pk)


@renderer(REVIEW_INVITATION)
def _render_review_invitation(params):
    title = _("How was your session with %(name)s?") % {"name": params.get("name", "")}
    body = _(
        "Rate your %(service)s session of %(when)s in the app: it takes a minute and helps "
        "other customers choose."
    ) % _texts(params)
    return title, body


def tell_pro_new_review(review) -> None:
    params = {
        **_session(review.booking),
        "rating": review.rating,
        "quote": Truncator(review.comment).chars(QUOTE_CHARS),
    }
    _send(review.pro.user, REVIEW_NEW, params, url=reverse("feedback:reviews"), review=review.pk)


@renderer(REVIEW_NEW)
def _render_new_review(params):
    title = _("New review: %(rating)d/5 for %(service)s on %(when)s") % {
        "rating": params.get("rating") or 0,
        **_texts(params),
    }
    return title, params.get("quote", "")


# --- reports and the blacklist ----------------------------------------------------------------


def tell_reporter_handled(report) -> None:
    url = reverse("feedback:support") if report.reporter_side == "pro" else ""
    _send(report.reporter, REPORT_HANDLED, {}, url=url, report=report.pk)


@renderer(REPORT_HANDLED)
def _render_report_handled(params):
    return (
        _("Your report was handled"),
        _("Thank you: our support team looked into your report and took action."),
    )


def tell_warning(user, *, text: str, is_pro: bool, report_id: int) -> None:
    """Support warns the reported person, with support's own words."""
    url = reverse("feedback:support") if is_pro else ""
    _send(user, WARNING, {"text": text}, url=url, report=report_id)


@renderer(WARNING)
def _render_warning(params):
    return _("A warning from Wecasa support"), params.get("text", "")


def tell_customer_blacklisted(customer, *, cancelled: int) -> None:
    _send(customer.user, BLACKLISTED, {"cancelled": cancelled})


@renderer(BLACKLISTED)
def _render_blacklisted(params):
    body = _(
        "Your account can no longer book sessions on Wecasa. Contact support if you think "
        "this is a mistake."
    )
    if params.get("cancelled"):
        body += " " + _("Your planned sessions and open requests were cancelled, free of charge.")
    return _("Your account can no longer book"), body
