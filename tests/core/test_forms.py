"""core.forms.apply_domain_error: a service refusal on a Django form, nothing dropped."""

from django import forms

from core.errors import InvalidInput, RuleRefused
from core.forms import apply_domain_error


class _Form(forms.Form):
    name = forms.CharField(required=False)
    start = forms.CharField(required=False)


def _bound():
    form = _Form({"name": "x", "start": "y"})
    assert form.is_valid()
    return form


def test_every_message_of_every_field_is_kept():
    form = _bound()
    error = InvalidInput(fields={"name": ["Too short.", "Not a name."], "start": ["Past."]})
    assert apply_domain_error(form, error) is True
    assert form.errors["name"] == ["Too short.", "Not a name."]
    assert form.errors["start"] == ["Past."]
    assert not form.non_field_errors()


def test_fields_the_form_lacks_become_form_wide_errors():
    form = _bound()
    assert apply_domain_error(form, InvalidInput(fields={"other": ["Nope."]})) is False
    assert form.non_field_errors() == ["Nope."]


def test_a_refusal_without_fields_shows_its_message_unless_shown_elsewhere():
    form = _bound()
    assert apply_domain_error(form, RuleRefused("Too late.")) is False
    assert form.non_field_errors() == ["Too late."]
    form = _bound()
    apply_domain_error(form, RuleRefused("Too late."), message_if_unplaced=False)
    assert form.is_valid()
