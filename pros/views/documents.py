"""A pro's documents on the web: the upload page, and the access-checked file itself."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError

from .. import selectors, services
from ..access import pro_required
from ..forms import DocumentForm
from .common import invalid, refused, render_for_pro


@pro_required
def settings_documents(request):
    pro = request.pro
    form = DocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.document_upload(
                    pro=pro,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                    actor=request.user,
                )
            except DomainError as error:
                refused(request, form, error)
                status = 400
            else:
                messages.success(request, _("Document sent. Support will review it."))
                return redirect("pros:settings_documents")
        else:
            invalid(request)
            status = 400
    return render_for_pro(
        request,
        "pros/settings/documents.html",
        {"form": form, "documents": pro.documents.all()},
        status=status,
    )


def document_file(request, pk):
    """The document's bytes, only for its pro and for staff allowed to view documents."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('pros:login')}?next={request.get_full_path()}")
    document = selectors.document_for_user(user=request.user, document_id=pk)
    if document is None or not document.file or document.file_deleted_at is not None:
        raise Http404  # unknown, someone else's, or deleted after its retention period
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=document.content_type, filename=document.original_name
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
