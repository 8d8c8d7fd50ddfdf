"""Notifications in the pro web UI: the header bell (polled by htmx) and the list page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .selectors import notifications_for, unread_count
from .services import notification_mark_read

PER_PAGE = 30
BELL_POLL_SECONDS = 20


@require_GET
def bell(request):
    """The bell with the unread count (polled); an expired session stops the polling."""
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    return render(
        request,
        "notifications/partials/bell.html",
        {"count": unread_count(user=request.user), "poll_seconds": BELL_POLL_SECONDS},
    )


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread_count(user=request.user)},
    )


@require_POST
@login_required
def notification_open(request, pk):
    """Mark one notification read and go to what it is about (a page of this site only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect(reverse("notifications:list"))
