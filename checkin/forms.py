"""Form of the pro web UI's declarations: parses the input; every rule is the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import ParisDateTimeField
from core import datefmt

from .models import Declaration

LATE_CHOICES = [5, 10, 15, 20, 30, 45, 60, 90, 120]


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(choices=Declaration.choices, widget=forms.HiddenInput)
    minutes = forms.TypedChoiceField(
        label=_("Delay"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(m, datefmt.duration(m)) for m in LATE_CHOICES],  # "45 min", "1 h 30"
    )
    start = ParisDateTimeField(label=_("New start (Paris time)"), required=False)
    end = ParisDateTimeField(label=_("New end (Paris time)"), required=False)
    reason = forms.CharField(
        label=_("Why do you cancel?"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    actual_minutes = forms.IntegerField(
        label=_("Minutes worked (optional)"), required=False, min_value=1, max_value=720
    )

    # The values each kind sends to the service (the others are ignored).
    VALUES = {
        Declaration.LATE: ("minutes",),
        Declaration.CHANGED: ("start", "end"),
        Declaration.PRO_CANCELS: ("reason",),
        Declaration.DONE: ("actual_minutes",),
    }

    def __init__(self, *args, prefix_id: str = "d", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)

    def declaration(self) -> tuple[str, dict]:
        kind = self.cleaned_data["kind"]
        return kind, {name: self.cleaned_data.get(name) for name in self.VALUES.get(kind, ())}
