"""Pro web UI of feedback: the booking's conversation (a panel of the booking page, polled by
htmx), reports, the conversation with support and "My reviews".

Thin views: parse the input, call the same services as the API, show the DomainError message.
htmx posts get their fragment back; plain form posts a redirect.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bookings.models import Booking, Proposal
from core.errors import DomainError
from core.forms import apply_domain_error
from pros.access import pro_required

from . import rules, selectors, services, ui
from .forms import MessageForm, ReportForm, SupportForm
from .masking import EMAIL, LINK, PHONE
from .models import Message, Report, Side

MASKED_LABELS = {
    PHONE: gettext_lazy("phone number"),
    EMAIL: gettext_lazy("e-mail address"),
    LINK: gettext_lazy("link"),
}


def _booking_for_pro(request, pk) -> Booking:
    """The signed-in pro's own booking, or 404."""
    return get_object_or_404(
        Booking.objects.select_related("service", "customer__user", "pro__user"),
        pk=pk,
        pro=request.pro,
    )


def _booking_url(pk) -> str:
    return reverse("bookings:booking", args=[pk])


def _masked_labels(kinds) -> list[str]:
    return [str(MASKED_LABELS[kind]) for kind in kinds]


# --- the booking's conversation -------------------------------------------------------------


@require_http_methods(["GET"])
@pro_required(polled=True)
def thread(request, pk):
    """Polled by the booking page: the messages list; opening it marks the customer's read."""
    booking = _booking_for_pro(request, pk)
    services.thread_mark_read(booking=booking, reader=request.user, side=Side.PRO)
    return render(request, "feedback/partials/thread.html", ui.thread_context(booking))


@require_http_methods(["POST"])
@pro_required
def message_send(request, pk):
    booking = _booking_for_pro(request, pk)
    form = MessageForm(request.POST, auto_id=f"b{booking.pk}_%s")
    error, masked = None, ()
    if form.is_valid():
        try:
            message = services.message_send(
                booking=booking, sender=request.user, side=Side.PRO, body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc, message_if_unplaced=False)
            error = str(exc.message) if not exc.fields else None
        else:
            masked = _masked_labels(message.masked)
            form = None
    if request.htmx:
        context = ui.panel_context(booking, form=form, error=error, masked=masked)
        status = 200 if form is None else 400
        return render(request, "feedback/partials/panel.html", context, status=status)
    if form is not None:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, text)
        if error:
            messages.error(request, error)
    elif masked:
        messages.warning(request, _masked_notice(masked))
    else:
        messages.success(request, _("Message sent."))
    return redirect("bookings:booking", pk=booking.pk)


def _masked_notice(labels) -> str:
    return _(
        "Sent, with contact details hidden (%(what)s): customers stay on the platform. "
        "Support can see the original."
    ) % {"what": ", ".join(labels)}


# --- reports ---------------------------------------------------------------------------------

REPORT_KINDS = (Report.Kind.PROPOSAL, Report.Kind.MESSAGE, Report.Kind.CUSTOMER_BEHAVIOUR)


def _reported_object(request, kind, object_id):
    """What the pro is about to report (their own proposal, a customer's message on their
    booking, their booking), for the page; 404 for anything else."""
    if kind == Report.Kind.PROPOSAL:
        proposal = get_object_or_404(
            Proposal.objects.select_related("request__service"), pk=object_id, pro=request.pro
        )
        return {"proposal": proposal, "back_url": reverse("bookings:dashboard")}
    if kind == Report.Kind.MESSAGE:
        message = get_object_or_404(
            Message.objects.select_related("booking"), pk=object_id, booking__pro=request.pro
        )
        return {"message": message, "back_url": _booking_url(message.booking_id)}
    booking = _booking_for_pro(request, object_id)
    return {"booking": booking, "back_url": _booking_url(booking.pk)}


@require_http_methods(["GET", "POST"])
@pro_required
def report_new(request):
    kind = request.GET.get("kind", "")
    object_id = request.GET.get("id", "")
    if kind not in REPORT_KINDS or not object_id.isdigit():
        raise Http404
    target = _reported_object(request, kind, int(object_id))
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.report_by_pro(
                pro=request.pro,
                kind=kind,
                object_id=int(object_id),
                details=form.cleaned_data["details"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = 400
        else:
            messages.success(
                request, _("Thank you: support received your report and will look into it.")
            )
            return redirect(target["back_url"])
    elif request.method == "POST":
        status = 400
    context = {"pro": request.pro, "form": form, "kind": kind, **target}
    return render(request, "feedback/report_new.html", context, status=status)


# --- support -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@pro_required
def support(request):
    """The pro's conversation with support; `?booking=<id>` attaches one of their bookings."""
    booking = None
    raw = request.POST.get("booking") or request.GET.get("booking") or ""
    if raw:
        booking = _booking_for_pro(request, raw) if raw.isdigit() else None
        if booking is None:
            raise Http404
    form = SupportForm(request.POST or None, initial={"booking": booking.pk if booking else None})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.support_message_send(
                user=request.user,
                body=form.cleaned_data["body"],
                booking_id=booking.pk if booking else None,
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
            status = 429 if exc.status == 429 else 400
        else:
            messages.success(request, _("Sent: support answers here and by e-mail."))
            return redirect("feedback:support")
    elif request.method == "POST":
        status = 400
    services.support_thread_mark_read(user=request.user)
    context = {
        "pro": request.pro,
        "form": form,
        "booking": booking,
        "thread": list(selectors.support_thread_for(request.user)),
        "conversation": selectors.support_conversation_of(request.user),
    }
    return render(request, "feedback/support.html", context, status=status)


# --- my reviews ----------------------------------------------------------------------------------


@pro_required
def my_reviews(request):
    pro = request.pro
    context = {
        "pro": pro,
        "reviews": list(selectors.visible_reviews_of(pro)[:100]),
        **ui.rating_context(pro),
        "min_public": rules.PUBLIC_AVERAGE_MIN_REVIEWS,
    }
    return render(request, "feedback/my_reviews.html", context)
