"""Pro accounts on the web: sign-up, login, logout, password reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.auth_backends import PASSWORD_BACKEND
from core.errors import DomainError
from core.services import login_attempt

from .. import services
from ..forms import LoginForm, SignupForm
from ..selectors import pro_for
from .common import invalid, refused


def signup(request):
    existing = request.user if request.user.is_authenticated else None
    if pro_for(existing) is not None:
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
                refused(request, form, error)
                status = 400
            else:
                if existing is None:
                    login(request, pro.user, backend=PASSWORD_BACKEND)
                messages.success(
                    request, _("Welcome! Your pro account is created. Complete your profile.")
                )
                return redirect("pros:onboarding")
        else:
            invalid(request)
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
                refused(request, form, error)
                status = error.status if error.status in (400, 429) else 400
            else:
                login(request, user, backend=PASSWORD_BACKEND)
                if not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    next_url = ""
                if pro_for(user) is None:
                    return redirect("pros:signup")
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        else:
            invalid(request)
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
