"""A customer's requests and bookings on their admin page, newest first, each linked to its
own page. customers.admin cannot import bookings (it sits below), so bookings adds the two
read-only lists to the registered CustomerAdmin, as privacy adds its action."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import datefmt
from customers.models import Customer

from ..models import Booking, BookingRequest

# Rows shown per list; the link under it opens the full filtered list.
HISTORY_ROWS = 20


def _table(rows, headers) -> str:
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        rows,
    )
    return format_html(
        '<table class="customer-history"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        head,
        body,
    )


def _more_link(url_name: str, customer, total: int) -> str:
    url = reverse(url_name) + f"?customer__id__exact={customer.pk}"
    return format_html(
        '<p><a href="{}">{}</a></p>', url, _("Tout voir (%(count)d)") % {"count": total}
    )


@admin.display(description=gettext_lazy("demandes"))
def customer_requests(customer) -> str:
    if customer.pk is None:
        return "-"
    requests = (
        BookingRequest.objects.filter(customer=customer)
        .select_related("service", "booking__pro__user")
        .order_by("-created_at", "-id")
    )
    shown = list(requests[:HISTORY_ROWS])
    if not shown:
        return _("Aucune demande.")
    rows = [
        (
            reverse("admin:bookings_bookingrequest_change", args=[request.pk]),
            f"{request.service.name}, {datefmt.short_when(request.start)}",
            request.get_status_display(),
            getattr(getattr(request, "booking", None), "pro", None) or "-",
            datefmt.stamp(request.created_at),
        )
        for request in shown
    ]
    table = _table(rows, [_("prestation"), _("statut"), _("pro"), _("créée le")])
    return format_html(
        "{}{}",
        table,
        _more_link("admin:bookings_bookingrequest_changelist", customer, requests.count()),
    )


@admin.display(description=gettext_lazy("réservations"))
def customer_bookings(customer) -> str:
    if customer.pk is None:
        return "-"
    bookings = (
        Booking.objects.filter(customer=customer)
        .select_related("service", "pro__user")
        .order_by("-start", "-id")
    )
    shown = list(bookings[:HISTORY_ROWS])
    if not shown:
        return _("Aucune réservation.")
    rows = [
        (
            reverse("admin:bookings_booking_change", args=[booking.pk]),
            f"{booking.service.name}, {datefmt.short_when(booking.start)}",
            booking.get_status_display(),
            booking.pro,
            datefmt.duration_between(booking.start, booking.end),
        )
        for booking in shown
    ]
    table = _table(rows, [_("prestation"), _("statut"), _("pro"), _("durée")])
    return format_html(
        "{}{}", table, _more_link("admin:bookings_booking_changelist", customer, bookings.count())
    )


def _add_history(model) -> None:
    """Two read-only rows at the end of the registered admin's page."""
    model_admin = admin.site.get_model_admin(model)
    model_admin.customer_requests = customer_requests
    model_admin.customer_bookings = customer_bookings
    names = ["customer_requests", "customer_bookings"]
    model_admin.readonly_fields = [*model_admin.readonly_fields, *names]
    sections = model_admin.fieldsets or [(None, {"fields": list(model_admin.fields or [])})]
    model_admin.fieldsets = [
        *sections,
        (gettext_lazy("Demandes et réservations"), {"fields": names}),
    ]
    model_admin.fields = None


_add_history(Customer)
