"""Support's actions on requests and bookings: each calls one service per selected row and
reports what was done and what was refused (core.admin.service_action / reason_action);
bonus proposals first ask which pros, on their own page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin import reason_action, service_action
from core.errors import DomainError
from pros.models import Pro

from .. import selectors, services
from .timeline import paris

REASON_MAX_LENGTH = 200  # what the services keep of a cancellation reason


def _row_label(row) -> str:
    return gettext("#%(id)s") % {"id": row.pk}


def _describe(row) -> str:
    """A request or a booking on the reason page: number, start (Paris), service."""
    return f"#{row.pk} · {paris(row.start)} · {row.service}"


_CANCEL_INTRO = _("These items will be cancelled; the customer and the pros involved are told:")

cancel_requests = reason_action(
    description=_("Cancel the selected requests (with a reason)"),
    title=_("Cancel requests"),
    apply=lambda row, by, reason: services.booking_request_cancel(
        request=row, by=by, reason=reason
    ),
    done_message=ngettext_lazy(
        "%(count)d request cancelled.", "%(count)d requests cancelled.", "count"
    ),
    intro=_CANCEL_INTRO,
    max_length=REASON_MAX_LENGTH,
    describe=_describe,
    label=_row_label,
)

cancel_bookings = reason_action(
    description=_("Cancel the selected bookings (with a reason)"),
    title=_("Cancel bookings"),
    apply=lambda row, by, reason: services.booking_cancel(booking=row, by=by, reason=reason),
    done_message=ngettext_lazy(
        "%(count)d booking cancelled.", "%(count)d bookings cancelled.", "count"
    ),
    intro=_CANCEL_INTRO,
    max_length=REASON_MAX_LENGTH,
    describe=_describe,
    label=_row_label,
)

redispatch = service_action(
    description=_("Re-dispatch the selected requests now"),
    apply=lambda row, by: services.booking_request_redispatch(request=row, by=by),
    done_message=ngettext_lazy(
        "%(count)d request sent to dispatch again.",
        "%(count)d requests sent to dispatch again.",
        "count",
    ),
    label=_row_label,
)


# --- bonus proposals --------------------------------------------------------------------------


class BonusForm(forms.Form):
    pros = forms.ModelMultipleChoiceField(
        label=_("Pros near the address"),
        queryset=Pro.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    others = forms.CharField(
        label=_("Other pros (ids or e-mail addresses, comma-separated)"), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["pros"].queryset = Pro.objects.filter(pk__in=[p.pk for p in candidates])
        labels = {pro.pk: self._label(pro) for pro in candidates}
        self.fields["pros"].label_from_instance = lambda pro: labels.get(pro.pk, str(pro))

    @staticmethod
    def _label(pro):
        offers = gettext("offers the service") if pro.offers_service else gettext("other services")
        return f"{pro.user.get_full_name()} <{pro.user.email}> · {pro.distance_km} km · {pro.get_status_display()} · {offers}"

    def clean_others(self):
        chosen = []
        for token in [t.strip() for t in self.cleaned_data["others"].replace(";", ",").split(",")]:
            if not token:
                continue
            query = (
                Q(user__email__iexact=token)
                if "@" in token
                else Q(pk=int(token))
                if token.isdigit()
                else None
            )
            pro = Pro.objects.filter(query).select_related("user").first() if query else None
            if pro is None:
                raise forms.ValidationError(gettext("Unknown pro: %(token)s") % {"token": token})
            chosen.append(pro)
        return chosen

    def clean(self):
        data = super().clean()
        if not self.errors and not (list(data.get("pros") or []) + data.get("others", [])):
            raise forms.ValidationError(gettext("Choose at least one pro."))
        return data

    def chosen(self):
        return list(self.cleaned_data["pros"]) + self.cleaned_data["others"]


def _report_bonus(modeladmin, request, created) -> None:
    if created:
        message = ngettext(
            "%(count)d bonus proposal sent.", "%(count)d bonus proposals sent.", len(created)
        ) % {"count": len(created)}
        modeladmin.message_user(request, message, messages.SUCCESS)
    else:
        modeladmin.message_user(
            request, gettext("These pros were already asked: nothing sent."), messages.WARNING
        )


@admin.action(description=_("Send bonus proposals to chosen pros"), permissions=["change"])
def send_bonus(modeladmin, request, queryset):
    """One request at a time: a page lists the pros near the address (and takes others by id
    or e-mail), then booking_request_send_bonus sends them proposals outside their settings."""
    if queryset.count() != 1:
        modeladmin.message_user(
            request, gettext("Choose exactly one request for bonus proposals."), messages.ERROR
        )
        return None
    booking_request = queryset.select_related("address", "customer__user", "service").get()
    candidates = selectors.bonus_candidates_for(booking_request)
    submitted = "apply" in request.POST
    form = BonusForm(request.POST if submitted else None, candidates=candidates)
    if submitted and form.is_valid():
        try:
            created = services.booking_request_send_bonus(
                request=booking_request, pros=form.chosen(), by=request.user
            )
        except DomainError as error:
            modeladmin.message_user(request, str(error.message), messages.ERROR)
            return None
        _report_bonus(modeladmin, request, created)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Bonus proposals for request #%(id)s") % {"id": booking_request.pk},
        "opts": modeladmin.model._meta,
        "objects": [booking_request],
        "form": form,
        "action": "send_bonus",
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "booking_request": booking_request,
        "candidates": candidates,
    }
    return TemplateResponse(request, "bookings/admin/bonus_step.html", context)
