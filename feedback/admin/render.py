"""What support reads beside a report, a review or a support conversation: links to the
people and the booking, the booking's conversation (originals of masked messages included),
the booking's timeline, a person's bookings. Escaped HTML built with format_html."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext

from bookings import selectors as booking_selectors
from bookings.events import event_label
from core.labels import moment_with_year

from .. import selectors


def paris(moment) -> str:
    return moment_with_year(moment)


def link(url_name: str, pk, text):
    if pk is None:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def customer_link(customer):
    if customer is None:
        return "-"
    return link("admin:customers_customer_change", customer.pk, customer.user.email)


def pro_link(pro):
    if pro is None:
        return "-"
    return link("admin:pros_pro_change", pro.pk, pro.user.get_full_name() or pro.user.email)


def booking_link(booking):
    if booking is None:
        return "-"
    text = f"#{booking.pk} {booking.service.name} {paris(booking.start)} ({booking.status})"
    return link("admin:bookings_booking_change", booking.pk, text)


def conversation(booking):
    """The booking's messages, oldest first; a masked message shows its original below."""
    if booking is None:
        return "-"
    rows = [
        (
            paris(message.created_at),
            message.get_sender_side_display(),
            message.body,
            format_html("<br><strong>{}</strong> {}", gettext("Original:"), message.original_body)
            if message.is_flagged
            else "",
        )
        for message in selectors.thread_for(booking)
    ]
    if not rows:
        return gettext("No message.")
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}{}</td></tr>", rows)
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        gettext("When (Paris)"),
        pgettext("message sender", "From"),
        gettext("Message"),
        body,
    )


def timeline(booking):
    """The booking request's timeline (labels as support reads them everywhere)."""
    if booking is None:
        return "-"
    rows = [
        (
            paris(event.created_at),
            event_label(event.kind),
            event.actor.email if event.actor else gettext("system"),
        )
        for event in booking_selectors.timeline_for(booking.request)
    ]
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        gettext("When (Paris)"),
        gettext("What"),
        gettext("By"),
        body,
    )


def bookings_of(user):
    """The person's latest bookings (as customer or pro), each a link."""
    bookings = selectors.bookings_of_person(user)
    if not bookings:
        return gettext("No booking.")
    return format_html(
        "<ul>{}</ul>",
        format_html_join("", "<li>{}</li>", ((booking_link(booking),) for booking in bookings)),
    )


def support_thread(conversation):
    """The conversation, oldest first: who wrote, when, about which booking."""
    rows = [
        (
            paris(message.created_at),
            gettext("Support") if message.from_support else message.author.email,
            message.body,
            booking_link(message.booking) if message.booking_id else "",
        )
        for message in conversation.messages.select_related("author", "booking__service").order_by(
            "created_at", "id"
        )
    ]
    if not rows:
        return gettext("No message.")
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        gettext("When (Paris)"),
        pgettext("message sender", "From"),
        gettext("Message"),
        gettext("Booking"),
        body,
    )
