"""Forms of the pro web UI. Input is parsed here; every rule is checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock

from .models import BookingRequest
from .rules import HORIZON_MESSAGES, horizon_problem

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class ParisDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read as Paris wall-clock time (aware result), within the booking
    horizon (bookings.rules.horizon_problem: the API's rule, so `9999-12-31T23:59` is a form
    error, never an overflow further down)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 900}, format=LOCAL_INPUT)
    default_error_messages = {"invalid": _("Enter a date and a time."), **HORIZON_MESSAGES}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except OverflowError as exc:  # year 9999 made aware can leave datetime's range
            raise forms.ValidationError(self.error_messages["too_far"], code="too_far") from exc
        if result is None:
            return None
        problem = horizon_problem(result, clock.now())
        if problem:
            raise forms.ValidationError(self.error_messages[problem], code=problem)
        # The form layer made it aware in the current time zone; state Paris explicitly.
        return clock.to_paris(result)

    def prepare_value(self, value):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = clock.to_paris(value).replace(tzinfo=None)
        return super().prepare_value(value)


class CounterForm(forms.Form):
    start = ParisDateTimeField(label=_("Another start time (Paris time)"))


class SessionForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, choices=())
    service = forms.ModelChoiceField(label=_("Service"), queryset=None, empty_label=None)
    start = ParisDateTimeField(label=_("Start (Paris time)"))
    notes = forms.CharField(
        label=_("Message for the customer (optional)"),
        required=False,
        max_length=BookingRequest.NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, customers, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = {customer.pk: customer for customer in customers}
        self.fields["customer"].choices = [("", _("Choose a customer"))] + [
            (customer.pk, customer_label(customer)) for customer in customers
        ]
        self.fields["service"].queryset = services

    def clean_customer(self):
        customer = self.customers.get(self.cleaned_data["customer"])
        if customer is None:
            raise forms.ValidationError(_("Choose one of your customers."))
        return customer


def customer_label(customer) -> str:
    """First name and last initial: what a pro sees of a customer."""
    user = customer.user
    initial = f" {user.last_name[:1]}." if user.last_name else ""
    return f"{user.first_name}{initial}".strip() or _("Customer #%(id)s") % {"id": customer.pk}
