"""Forms of the pro web UI: they parse the input; every rule is the service's (a refusal is
shown on the form through core.forms.apply_domain_error)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        strip=False,  # the service trims and checks (one rule for web and API)
        required=False,
        max_length=rules.MESSAGE_MAX_LENGTH + 100,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "maxlength": rules.MESSAGE_MAX_LENGTH,
                "placeholder": _("Write to the customer…"),
            }
        ),
    )


class SupportForm(forms.Form):
    body = forms.CharField(
        label=_("Your message to support"),
        strip=False,
        required=False,
        max_length=rules.MESSAGE_MAX_LENGTH + 100,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": rules.MESSAGE_MAX_LENGTH}),
    )
    booking = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    details = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=rules.REPORT_DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": rules.REPORT_DETAILS_MAX_LENGTH}),
    )
