"""The pro's onboarding checklist and settings pages: profile, services, zone, hours, days off
and pause, bank details, personal link, referral. Thin: parse the form, call one service."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.clock import today
from core.errors import DomainError
from core.forms import apply_domain_error

from .. import selectors, services
from ..access import pro_required
from ..forms import (
    BankForm,
    HoursForm,
    ProfileForm,
    ReferralInviteForm,
    ServicesForm,
    TimeOffForm,
    ZoneForm,
)
from ..geocoding import geocoder
from ..services.bank import mask_iban
from .common import invalid, refused, render_for_pro


def _checklist_context(pro):
    return {
        "missing_for_proposals": selectors.missing_for_proposals(pro),
        "missing_for_payment": selectors.missing_for_payment(pro),
        "rejected_documents": selectors.rejected_documents(pro),
    }


@pro_required
def onboarding(request):
    return render_for_pro(request, "pros/onboarding.html", _checklist_context(request.pro))


@pro_required
def settings_index(request):
    pro = request.pro
    context = _checklist_context(pro)
    context["zone"] = selectors.zone_summary(pro)
    context["services_count"] = pro.services.count()
    context["hours_count"] = pro.working_hours.count()
    return render_for_pro(request, "pros/settings/index.html", context)


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
                refused(request, form, error)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("pros:settings_profile")
        else:
            invalid(request)
        return render_for_pro(request, "pros/settings/profile.html", {"form": form}, status=400)
    return render_for_pro(request, "pros/settings/profile.html", {"form": form})


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
                refused(request, form, error)
            else:
                messages.success(request, _("Services saved."))
                return redirect("pros:settings_services")
        else:
            invalid(request)
        return render_for_pro(request, "pros/settings/services.html", {"form": form}, status=400)
    return render_for_pro(request, "pros/settings/services.html", {"form": form})


@pro_required
def settings_zone(request):
    pro = request.pro
    initial = {
        "base_address": pro.base_address,
        "lat": pro.base_lat,
        "lng": pro.base_lng,
        "located_address": pro.base_address,
        "radius_km": pro.radius_km or 10,
    }
    form = ZoneForm(request.POST or None, initial=initial, geocoder=geocoder())
    status = 200
    if request.method == "POST":
        status = 400
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
                refused(request, form, error)
            else:
                messages.success(request, _("Zone saved."))
                return redirect("pros:settings_zone")
        else:
            invalid(request)
    context = {"form": form, "zone": selectors.zone_summary(pro)}
    return render_for_pro(request, "pros/settings/zone.html", context, status=status)


@require_GET
@pro_required
def settings_zone_suggest(request):
    """Addresses matching what the pro typed (htmx, as they type)."""
    places = geocoder().search(request.GET.get("base_address", ""), limit=5)
    return render(request, "pros/partials/place_suggestions.html", {"places": places})


@pro_required
def settings_hours(request):
    """Every problem at once, each on its day's row; "copy to the other days" re-shows the page
    with one day's ranges on every day (a submit button: works without JavaScript), unsaved."""
    pro = request.pro
    template = "pros/settings/hours.html"
    form = HoursForm(request.POST or None, pro=pro)
    if request.method == "POST":
        copy_from = request.POST.get("copy_from", "")
        if copy_from.isdigit() and int(copy_from) in range(7):
            form = form.copied(int(copy_from))
            messages.info(
                request, _("Horaires copiés sur tous les jours : vérifiez-les puis enregistrez.")
            )
            return render_for_pro(request, template, {"form": form})
        if form.is_valid():
            try:
                services.pro_set_working_hours(pro=pro, ranges=form.ranges, actor=request.user)
            except DomainError as error:
                form.add_refusal(error)
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Working hours saved."))
                return redirect("pros:settings_hours")
        else:
            # The form's one message names the days; each problem shows on its day's row.
            for error in form.non_field_errors():
                messages.error(request, error)
        return render_for_pro(request, template, {"form": form}, status=400)
    return render_for_pro(request, template, {"form": form})


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
    return {
        "form": form or TimeOffForm(),
        "time_off": pro.time_off.filter(end_date__gte=today()),
    }


@pro_required
def settings_availability(request):
    pro = request.pro
    template = "pros/settings/availability.html"
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
                refused(request, form, error)
            else:
                messages.success(request, _("Days off added."))
                return redirect("pros:settings_availability")
        else:
            invalid(request)
        return render_for_pro(request, template, _availability_context(pro, form), status=400)
    return render_for_pro(request, template, _availability_context(pro))


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
def settings_bank(request):
    """The IBAN is never shown whole once saved: the field holds its mask, and saving the mask
    unchanged keeps it. Each error shows once: on its field (with the generic message on top),
    or, when it names no field, in the message area only."""
    pro = request.pro
    masked_iban = mask_iban(pro.iban)
    initial = {
        "account_holder": pro.account_holder or pro.user.get_full_name(),
        "iban": masked_iban,
        "bic": pro.bic,
        "payout_frequency": pro.payout_frequency,
    }
    form = BankForm(request.POST or None, initial=initial, has_iban=bool(pro.iban))
    context = {"form": form, "masked_iban": masked_iban}
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
                if apply_domain_error(form, error, message_if_unplaced=False):
                    invalid(request)
                else:
                    messages.error(request, str(error.message))
            else:
                messages.success(request, _("Bank details saved."))
                return redirect("pros:settings_bank")
        else:
            invalid(request)
        return render_for_pro(request, "pros/settings/bank.html", context, status=400)
    return render_for_pro(request, "pros/settings/bank.html", context)


@pro_required
def settings_link(request):
    """The personal link, and (POST) a new one: the old link stops working at once."""
    if request.method == "POST":
        services.pro_reset_personal_link(pro=request.pro, actor=request.user)
        messages.success(request, _("You have a new link. The old one no longer works."))
        return redirect("pros:settings_link")
    link = selectors.personal_link(request.pro)
    return render_for_pro(request, "pros/settings/link.html", {"link": link})


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
                refused(request, form, error)
                status = 400
            else:
                messages.success(request, _("Invitation sent."))
                return redirect("pros:settings_referral")
        else:
            invalid(request)
            status = 400
    context = {
        "form": form,
        "invites": pro.referral_invites.all(),
        "signup_url": selectors.referral_signup_url(pro),
        "is_cleaning_pro": pro.services.filter(category__slug="cleaning").exists(),
        "referred_count": pro.referred_pros.count(),
    }
    return render_for_pro(request, "pros/settings/referral.html", context, status=status)
