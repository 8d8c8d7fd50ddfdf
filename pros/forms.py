"""Pro web UI forms: parse and check input shape; the rules live in pros.services."""

import re
from datetime import time

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from catalog.models import Service

from .models import Document, Pro, WorkingHours
from .services.availability import working_hours_problems

# What a time field sends: "08:00" (or "08:00:00"). time.fromisoformat alone also takes "08",
# fractions and UTC offsets ("08:00+05:00": an aware time that the rule cannot compare).
_WALL_CLOCK = re.compile(r"\d{2}:\d{2}(?::\d{2})?")


def _wall_clock(text: str) -> time:
    if not _WALL_CLOCK.fullmatch(text):
        raise ValueError(text)
    return time.fromisoformat(text)


def _shown(text: str) -> str:
    """A refused value as the error message repeats it: a time is 5 characters."""
    return text if len(text) <= 8 else text[:8] + "…"


TERMS_TEXT = _(
    "I accept the Wecasa partnership terms: sign-up is free, with no fixed costs and no "
    "exclusivity; prices are set by the platform and a commission is taken only on sessions "
    "carried out. Platform customers stay platform customers: I will not hand out my contact "
    "details or my prices to take a customer off the platform; doing so brings penalties up to "
    "termination of the partnership."
)


class SignupForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Mobile phone"), max_length=32)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    referral_code = forms.CharField(
        label=_("Referral code (optional)"),
        required=False,
        max_length=12,
        help_text=_("The code of the pro who referred you, if any."),
    )
    terms = forms.BooleanField(label=TERMS_TEXT, required=True)

    def __init__(self, *args, existing_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_user = existing_user
        if existing_user is not None:
            # A logged-in user (e.g. a customer) becomes a pro too: no new account.
            del self.fields["email"]
            del self.fields["password"]
            for name in ("first_name", "last_name", "phone"):
                self.fields[name].initial = getattr(existing_user, name)
        if "email" in self.fields:
            self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean_referral_code(self):
        return self.cleaned_data["referral_code"].strip().upper()

    # Phone format and password strength are checked by pros.services.pro_signup (so every
    # client gets them); the view shows its refusal on these fields.


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ProfileForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG or PNG, 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few words customers will see: your experience, your specialities."),
    )


class ServicesForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.active().select_related("category"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def grouped(self):
        """[(category, [(service, checked, net amount text)])] for the template."""
        from django.utils.translation import get_language

        from core.money import format_eur

        language = (get_language() or "fr")[:2]
        selected = {str(value) for value in (self["services"].value() or [])}
        groups = {}
        for service in self.fields["services"].queryset:
            net = format_eur(service.pro_net_cents, language)
            groups.setdefault(service.category, []).append(
                (service, str(service.pk) in selected, net)
            )
        return list(groups.items())


class ZoneForm(forms.Form):
    """The base address (looked up as the pro types: pros/geocoding.py) and the radius. The
    coordinates come from the suggestion picked or the phone's position (hidden fields); a
    typed address with neither is looked up once more on save."""

    base_address = forms.CharField(
        label=_("Base address"),
        max_length=250,
        required=False,
        help_text=_("Where your trips start from, e.g. your home. Pick it from the suggestions."),
    )
    lat = forms.DecimalField(
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    lng = forms.DecimalField(
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.HiddenInput,
    )
    # The address text the coordinates belong to: a typed change without a new pick is looked up.
    located_address = forms.CharField(max_length=250, required=False, widget=forms.HiddenInput)
    radius_km = forms.IntegerField(
        label=_("Travel radius (km)"),
        min_value=1,
        max_value=50,
        help_text=_("From 1 to 50 km. The wider your zone, the more proposals you receive."),
    )

    def __init__(self, *args, geocoder=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.geocoder = geocoder
        self.fields["base_address"].widget.attrs.update({"autocomplete": "street-address"})
        self.fields["radius_km"].widget.attrs.update({"inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        address = data.get("base_address", "")
        located = data.get("lat") is not None and data.get("lng") is not None
        located_address = data.get("located_address", "")
        if located and (not address or not located_address or address == located_address):
            if not address:
                data["base_address"] = str(_("My position"))
            return data
        if not address:
            self.add_error("base_address", _("Type your address or use your current position."))
            return data
        places = self.geocoder.search(address, limit=1) if self.geocoder else []
        if not places:
            self.add_error(
                "base_address",
                _(
                    "We could not find this address: pick one from the suggestions, or use your current position."
                ),
            )
            return data
        data["base_address"], data["lat"], data["lng"] = (
            places[0].label,
            places[0].lat,
            places[0].lng,
        )
        return data


class HoursForm(forms.Form):
    """Weekly hours posted as repeated `start_<day>` / `end_<day>` pairs; blank pairs are ignored.
    Every problem is kept by day (`day_errors`), all of them at once, each naming its day."""

    def __init__(self, data=None, *, pro: Pro | None = None):
        super().__init__(data)
        self.pro = pro
        self.ranges = []
        self.day_errors: dict[int, list[str]] = {}

    def _posted_rows(self):
        rows = {day: [] for day in range(7)}
        for day in range(7):
            for start, end in zip(
                self.data.getlist(f"start_{day}"), self.data.getlist(f"end_{day}"), strict=False
            ):
                if start or end:
                    rows[day].append((start.strip(), end.strip()))
        return rows

    def days(self):
        """[(weekday, label, [(start, end)], errors)] for the template, from the post or the pro."""
        rows = {day: [] for day in range(7)}
        if self.is_bound:
            rows = self._posted_rows()
        elif self.pro is not None:
            for hours in self.pro.working_hours.all():
                rows[hours.weekday].append(
                    (hours.start_time.strftime("%H:%M"), hours.end_time.strftime("%H:%M"))
                )
        return [
            (
                day,
                WorkingHours.Weekday(day).label,
                rows[day] or [("", "")],
                self.day_errors.get(day, []),
            )
            for day in range(7)
        ]

    def copied(self, source_day: int) -> "HoursForm":
        """A form showing `source_day`'s posted ranges on every day (nothing saved)."""
        source = self._posted_rows()[source_day]
        data = QueryDict(mutable=True)
        for day in range(7):
            data.setlist(f"start_{day}", [start for start, _end in source])
            data.setlist(f"end_{day}", [end for _start, end in source])
        return HoursForm(data, pro=self.pro)

    def add_day_errors(self, problems: dict[int, list[str]]) -> None:
        for day, messages in problems.items():
            self.day_errors.setdefault(day, []).extend(str(message) for message in messages)

    def add_refusal(self, error) -> None:
        """A service refusal: `day_<n>` fields on their day, anything else form-wide."""
        for field, messages in (error.fields or {}).items():
            if field.startswith("day_") and field[4:].isdigit() and int(field[4:]) in range(7):
                self.add_day_errors({int(field[4:]): list(messages)})
            else:
                for message in messages:
                    self.add_error(None, str(message))

    def clean(self):
        ranges = []
        for day in range(7):
            label = WorkingHours.Weekday(day).label
            starts = self.data.getlist(f"start_{day}")
            ends = self.data.getlist(f"end_{day}")
            if len(starts) != len(ends):
                self.add_day_errors(
                    {day: [_("%(day)s: each range needs a start and an end.") % {"day": label}]}
                )
                continue
            for start, end in zip(starts, ends, strict=True):
                start, end = start.strip(), end.strip()
                if not start and not end:
                    continue
                if not start or not end:
                    self.add_day_errors(
                        {day: [_("%(day)s: each range needs a start and an end.") % {"day": label}]}
                    )
                    continue
                try:
                    start_time, end_time = _wall_clock(start), _wall_clock(end)
                except ValueError:
                    self.add_day_errors(
                        {
                            day: [
                                _("%(day)s : heure invalide (%(start)s – %(end)s).")
                                % {"day": label, "start": _shown(start), "end": _shown(end)}
                            ]
                        }
                    )
                    continue
                ranges.append((day, start_time, end_time))
        # The rule's problems on the ranges that parsed, so every error shows on one submit.
        self.add_day_errors(working_hours_problems(ranges))
        self.ranges = ranges
        if self.day_errors:
            raise forms.ValidationError(
                _("Horaires à corriger : %(days)s.")
                % {
                    "days": ", ".join(
                        str(WorkingHours.Weekday(day).label) for day in sorted(self.day_errors)
                    )
                },
                code="hours",
            )
        return super().clean()


class TimeOffForm(forms.Form):
    start_date = forms.DateField(
        label=_("First day off"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Last day off"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Note (optional)"), max_length=120, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of document"), choices=Document.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class BankForm(forms.Form):
    account_holder = forms.CharField(label=_("Account holder"), max_length=140)
    # Holds the stored IBAN's mask (pros.services.bank.mask_iban) until the pro types a new one.
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    bic = forms.CharField(
        label=_("BIC (optional)"),
        max_length=11,
        required=False,
        help_text=_("Found from the IBAN when possible."),
    )
    payout_frequency = forms.ChoiceField(
        label=_("Payouts"),
        choices=Pro.PayoutFrequency.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, has_iban: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_iban:
            self.fields["iban"].help_text = _(
                "Votre IBAN enregistré est masqué. Pour le changer, saisissez le nouveau en entier."
            )


class ReferralInviteForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=120, required=False)
    email = forms.EmailField(label=_("Their e-mail"))
