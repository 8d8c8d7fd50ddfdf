"""Pro web UI of check-in: declarations from the booking page and the home page, fee
waivers, the "to declare" list. Thin: parse, call the same services as the API, show the
DomainError message. htmx posts get the fragment back; plain posts a redirect."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.models import Booking
from core import clock
from core.errors import DomainError
from pros.access import pro_required

from . import selectors, services, ui
from .forms import DeclarationForm
from .models import BillableItem, Declaration

# Declarations that change the booking (its times or its status), not only the session panel.
RELOAD_AFTER = {
    Declaration.CHANGED,
    Declaration.NO_SHOW,
    Declaration.CUSTOMER_WANTS_TO_CANCEL,
    Declaration.PRO_CANCELS,
    Declaration.DONE,
}


def _get_booking_for_pro(request, pk) -> Booking:
    """The signed-in pro's own booking, or 404."""
    return get_object_or_404(
        Booking.objects.select_related("service__category", "address", "customer__user", "request"),
        pk=pk,
        pro=request.pro,
    )


def _error_text(error: DomainError) -> str:
    parts = [str(m) for messages_ in (error.fields or {}).values() for m in messages_]
    return " ".join(parts) or str(error.message)


def _answer(request, booking, *, error=None, form=None, success=""):
    """htmx: the fragment the post came from (home card or booking panel); else redirect."""
    if request.htmx:
        if request.POST.get("from") == "home":
            record = selectors.record_for(booking)
            context = ui.arrival_card_context(record, now=clock.now(), error=error)
            return render(request, "checkin/partials/arrival_card.html", context)
        context = ui.session_panel_context(booking, error=error, form=form)
        return render(request, "checkin/partials/session_panel.html", context)
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return redirect("bookings:booking", pk=booking.pk)


@require_POST
@pro_required
def declare(request, pk):
    booking = _get_booking_for_pro(request, pk)
    form = DeclarationForm(request.POST, prefix_id=f"b{booking.pk}")
    if not form.is_valid():
        errors = [str(m) for field_errors in form.errors.values() for m in field_errors]
        return _answer(request, booking, error=" ".join(errors), form=form)
    kind, values = form.declaration()
    try:
        services.declaration_make(booking=booking, pro=request.pro, kind=kind, **values)
    except DomainError as error:
        return _answer(request, booking, error=_error_text(error), form=form)
    if request.htmx and kind in RELOAD_AFTER and request.POST.get("from") != "home":
        # The booking itself changed (times, status): the whole page shows it, not just the panel.
        messages.success(request, _("Declaration recorded."))
        return HttpResponse(headers={"HX-Refresh": "true"})
    return _answer(request, booking, success=_("Declaration recorded."))


@require_POST
@pro_required
def fee_waive(request, pk, item_pk):
    booking = _get_booking_for_pro(request, pk)
    item = get_object_or_404(BillableItem, pk=item_pk, booking=booking)
    try:
        services.fee_waive(item=item, pro=request.pro)
    except DomainError as error:
        return _answer(request, booking, error=_error_text(error))
    return _answer(request, booking, success=_("Fee waived: the customer will not pay it."))


@pro_required
def to_declare(request):
    rows = ui.to_declare_rows(request.pro)
    return render(request, "checkin/to_declare.html", {"pro": request.pro, "rows": rows})
