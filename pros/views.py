"""Pro web UI: thin views that parse forms, call pros.services and show the DomainError message."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.services import login_attempt

from . import selectors, services
from .forms import (
    BankForm,
    DocumentForm,
    HoursForm,
    LoginForm,
    ProfileForm,
    ReferralInviteForm,
    ServicesForm,
    SignupForm,
    TimeOffForm,
    ZoneForm,
)
from .models import Pro


def _pro_of(user) -> Pro | None:
    if not user.is_authenticated:
        return None
    return Pro.objects.filter(user=user).first()


def pro_required(view):
    """Logged in and a pro: anonymous -> login, a user without a pro profile -> sign-up."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('pros:login')}?next={request.get_full_path()}")
        pro = _pro_of(request.user)
        if pro is None:
            messages.info(request, _("Create your pro profile to continue."))
            return redirect("pros:signup")
        request.pro = pro
        return view(request, *args, **kwargs)

    return wrapper


def _form_error(request, form, error: DomainError):
    """Show a service refusal as a message, and on its field when the service names one."""
    placed = False
    for field, errors in (error.fields or {}).items():
        if field in form.fields:
            for message in errors:
                form.add_error(field, message)
            placed = True
    # The message area shows the refusal; a field also shows it next to the input.
    messages.error(request, str(error.message))
    return placed


def _invalid(request):
    messages.error(request, _("Please correct the errors below."))


def _render(request, template, context, status=200):
    context.setdefault("pro", getattr(request, "pro", None))
    return render(request, template, context, status=status)


# --- sign-up, login, logout, password reset -------------------------------------------------------------


def signup(request):
    existing = request.user if request.user.is_authenticated else None
    if existing is not None and _pro_of(existing) is not None:
        return redirect("pros:onboarding")
    initial = {"referral_code": request.GET.get("ref", "")}
    form = SignupForm(request.POST or None, existing_user=existing, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                pro = services.pro_signup(
                    terms_accepted=data["terms"],
                    user=existing,
                    email=data.get("email", ""),
                    password=data.get("password", ""),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    phone=data["phone"],
                    referral_code=data["referral_code"],
                )
            except DomainError as error:
                _form_error(request, form, error)
                status = 400
            else:
                if existing is None:
                    login(request, pro.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Welcome! Your pro account is created. Complete your profile.")
                )
                return redirect("pros:onboarding")
        else:
            _invalid(request)
            status = 400
    return render(request, "pros/signup.html", {"form": form, "existing": existing}, status=status)


def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = login_attempt(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    request=request,
                )
            except DomainError as error:
                _form_error(request, form, error)
                status = error.status if error.status in (400, 429) else 400
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                if not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    next_url = ""
                if _pro_of(user) is None:
                    return redirect("pros:signup")
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        else:
            _invalid(request)
            status = 400
    return render(request, "pros/login.html", {"form": form, "next": next_url}, status=status)


logout_view = auth_views.LogoutView.as_view(next_page="pros:login")

password_reset = auth_views.PasswordResetView.as_view(
    template_name="pros/password_reset.html",
    email_template_name="pros/emails/password_reset.txt",
    subject_template_name="pros/emails/password_reset_subject.txt",
    success_url=reverse_lazy("pros:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="pros/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="pros/password_reset_confirm.html",
    success_url=reverse_lazy("pros:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="pros/password_reset_complete.html"
)


# --- onboarding and settings ---------------------------------------------------------------------------


def _checklist_context(pro):
    return {
        "missing_for_proposals": selectors.missing_for_proposals(pro),
        "missing_for_payment": selectors.missing_for_payment(pro),
        "rejected_documents": selectors.rejected_documents(pro),
    }


@pro_required
def onboarding(request):
    return _render(request, "pros/onboarding.html", _checklist_context(request.pro))


@pro_required
def settings_index(request):
    pro = request.pro
    context = _checklist_context(pro)
    context["zone"] = selectors.zone_summary(pro)
    context["services_count"] = pro.services.count()
    context["hours_count"] = pro.working_hours.count()
    return _render(request, "pros/settings/index.html", context)


@pro_required
def settings_profile(request):
    pro = request.pro
    form = ProfileForm(request.POST or None, request.FILES or None, initial={"bio": pro.bio})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pro_update_profile(
                    pro=pro,
                    bio=form.cleaned_data["bio"],
                    photo=form.cleaned_data["photo"] or None,
                    actor=request.user,
                )
            except DomainError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("pros:settings_profile")
        else:
            _invalid(request)
        return _render(request, "pros/settings/profile.html", {"form": form}, status=400)
    return _render(request, "pros/settings/profile.html", {"form": form})


@pro_required
def settings_services(request):
    pro = request.pro
    form = ServicesForm(
        request.POST or None, initial={"services": list(pro.services.values_list("pk", flat=True))}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pro_set_services(
                    pro=pro, services=form.cleaned_data["services"], actor=request.user
                )
            except DomainError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("Services saved."))
                return redirect("pros:settings_services")
        else:
            _invalid(request)
        return _render(request, "pros/settings/services.html", {"form": form}, status=400)
    return _render(request, "pros/settings/services.html", {"form": form})


@pro_required
def settings_zone(request):
    pro = request.pro
    initial = {
        "base_address": pro.base_address,
        "lat": pro.base_lat,
        "lng": pro.base_lng,
        "radius_km": pro.radius_km or 10,
    }
    form = ZoneForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.pro_set_zone(
                    pro=pro,
                    base_address=data["base_address"],
                    lat=data["lat"],
                    lng=data["lng"],
                    radius_km=data["radius_km"],
                    actor=request.user,
                )
            except DomainError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("Zone saved."))
                return redirect("pros:settings_zone")
        else:
            _invalid(request)
        status = 400
    else:
        status = 200
    return _render(
        request,
        "pros/settings/zone.html",
        {"form": form, "zone": selectors.zone_summary(pro)},
        status=status,
    )


@pro_required
def settings_hours(request):
    pro = request.pro
    form = HoursForm(request.POST or None, pro=pro)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.pro_set_working_hours(pro=pro, ranges=form.ranges, actor=request.user)
            except DomainError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("Working hours saved."))
                return redirect("pros:settings_hours")
        else:
            _invalid(request)
        return _render(request, "pros/settings/hours.html", {"form": form}, status=400)
    return _render(request, "pros/settings/hours.html", {"form": form})


@pro_required
def settings_hours_row(request):
    """htmx: one more empty start-end range for a weekday."""
    try:
        day = int(request.GET.get("day", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not 0 <= day <= 6:
        raise Http404
    return render(request, "pros/partials/hours_row.html", {"day": day, "start": "", "end": ""})


def _availability_context(pro, form=None):
    from core.clock import today

    return {
        "form": form or TimeOffForm(),
        "time_off": pro.time_off.filter(end_date__gte=today()),
    }


@pro_required
def settings_availability(request):
    pro = request.pro
    if request.method == "POST":
        form = TimeOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.time_off_add(
                    pro=pro,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    reason=data["reason"],
                    actor=request.user,
                )
            except DomainError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("Days off added."))
                return redirect("pros:settings_availability")
        else:
            _invalid(request)
        return _render(
            request, "pros/settings/availability.html", _availability_context(pro, form), status=400
        )
    return _render(request, "pros/settings/availability.html", _availability_context(pro))


@require_POST
@pro_required
def settings_time_off_delete(request, pk):
    if not request.pro.time_off.filter(pk=pk).exists():
        raise Http404
    services.time_off_delete(pro=request.pro, time_off_id=pk, actor=request.user)
    messages.success(request, _("Days off removed."))
    return redirect("pros:settings_availability")


@require_POST
@pro_required
def settings_pause(request):
    """Pause switch: htmx swaps the switch fragment; without JS, a redirect."""
    paused = request.POST.get("paused") == "1"
    pro = services.pro_set_paused(pro=request.pro, paused=paused, actor=request.user)
    if request.htmx:
        return render(request, "pros/partials/pause_switch.html", {"pro": pro})
    messages.success(
        request, _("You are on pause.") if paused else _("You receive proposals again.")
    )
    return redirect("pros:settings_availability")


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
                _form_error(request, form, error)
                status = 400
            else:
                messages.success(request, _("Document sent. Support will review it."))
                return redirect("pros:settings_documents")
        else:
            _invalid(request)
            status = 400
    return _render(
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
    if document is None:
        raise Http404
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


@pro_required
def settings_bank(request):
    pro = request.pro
    initial = {
        "account_holder": pro.account_holder or pro.user.get_full_name(),
        "iban": pro.iban,
        "bic": pro.bic,
        "payout_frequency": pro.payout_frequency,
    }
    form = BankForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.pro_set_bank_details(
                    pro=pro,
                    iban=data["iban"],
                    bic=data["bic"],
                    account_holder=data["account_holder"],
                    payout_frequency=data["payout_frequency"],
                    actor=request.user,
                )
            except DomainError as error:
                _form_error(request, form, error)
            else:
                messages.success(request, _("Bank details saved."))
                return redirect("pros:settings_bank")
        else:
            _invalid(request)
        return _render(request, "pros/settings/bank.html", {"form": form}, status=400)
    return _render(request, "pros/settings/bank.html", {"form": form})


@pro_required
def settings_link(request):
    return _render(
        request, "pros/settings/link.html", {"link": selectors.personal_link(request.pro)}
    )


@pro_required
def settings_referral(request):
    pro = request.pro
    form = ReferralInviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.referral_invite_create(
                    pro=pro,
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    actor=request.user,
                )
            except DomainError as error:
                _form_error(request, form, error)
                status = 400
            else:
                messages.success(request, _("Invitation sent."))
                return redirect("pros:settings_referral")
        else:
            _invalid(request)
            status = 400
    context = {
        "form": form,
        "invites": pro.referral_invites.all(),
        "signup_url": f"{settings.SITE_URL.rstrip('/')}{reverse('pros:signup')}?ref={pro.referral_code}",
        "is_cleaning_pro": pro.services.filter(category__slug="cleaning").exists(),
        "referred_count": pro.referred_pros.count(),
    }
    return _render(request, "pros/settings/referral.html", context, status=status)


def public_profile(request, slug):
    """The page a pro's personal link opens: their public profile and how to book them."""
    pro = selectors.pro_by_personal_link(slug)
    if pro is None:
        raise Http404
    return render(request, "pros/public_profile.html", {"pro": pro, "services": pro.services.all()})
