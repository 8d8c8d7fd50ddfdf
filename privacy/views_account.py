"""The pro's "Mes données" pages (a copy of my data, closing my account) and the download
link every export e-mail carries. Thin: a form, one service, a message."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.errors import DomainError, NotFound
from pros.access import pro_required
from pros.views.common import refused, render_for_pro

from . import erasure, export
from .erasure_rules import account_blockers
from .export import ExportLinkExpired


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Je comprends que la fermeture est définitive."), required=True
    )


@pro_required
def my_data(request):
    """What we hold, a copy by e-mail, and the way to close the account."""
    user = request.user
    context = {
        "latest": export.latest_export(user=user),
        "next_allowed_at": export.next_export_allowed_at(user=user),
        "link_hours": export.link_hours(),
    }
    return render_for_pro(request, "privacy/my_data.html", context)


@pro_required
def export_request(request):
    if request.method != "POST":  # a typed or bookmarked URL: the page with the button
        return redirect("privacy:my_data")
    try:
        export.data_export_request(user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("C'est demandé : vous recevrez un lien par e-mail dans quelques minutes."),
        )
    return redirect("privacy:my_data")


@pro_required
def close_account(request):
    """The blockers first (nothing to confirm while one stands), then password + checkbox."""
    blockers = account_blockers(request.user)
    # While a blocker stands there is no form to correct: a POST (an old tab) only gets the
    # blockers again, with the 409 of the refusal, not "correct the errors".
    form = CloseAccountForm(None if blockers else request.POST or None)
    status = 409 if blockers and request.method == "POST" else 200
    if request.method == "POST" and not blockers:
        if form.is_valid():
            try:
                erasure.account_close_by_owner(
                    user=request.user, password=form.cleaned_data["password"], request=request
                )
            except erasure.AccountClosureBlocked:
                status = 409  # a blocker appeared meanwhile: shown below, read again
            except DomainError as error:
                refused(request, form, error)
                status = error.status if error.status in (400, 409, 429) else 400
            else:
                logout(request)
                return redirect("privacy:account_closed")
        else:
            status = 400
        blockers = account_blockers(request.user)  # a blocker that appeared meanwhile
    return render_for_pro(
        request, "privacy/close_account.html", {"form": form, "blockers": blockers}, status=status
    )


@require_GET
def account_closed(request):
    return render(request, "privacy/account_closed.html")


@never_cache
@require_GET
def export_download(request, token):
    """The e-mailed link: the JSON file as an attachment; 404 unknown or someone else's, 410
    expired (a page saying so)."""
    try:
        found = export.data_export_open(token=token, viewer=request.user)
    except ExportLinkExpired:
        return render(request, "privacy/export_expired.html", status=410)
    except NotFound:
        return render(request, "privacy/export_not_found.html", status=404)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"wecasa-mes-donnees-{found.requested_at:%Y-%m-%d}.json",
        content_type="application/json",
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
