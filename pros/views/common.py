"""What every pro page shares: showing a service's refusal, rendering with the pro."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput
from core.forms import apply_domain_error


def invalid(request):
    messages.error(request, _("Please correct the errors below."))


def refused(request, form, error: DomainError) -> None:
    """A service refusal: next to the inputs it names, and in the message area. A refusal that
    only lists field errors (the generic "invalid" message) reads like a form error."""
    apply_domain_error(form, error, message_if_unplaced=False)
    if error.message is InvalidInput.default_message:
        invalid(request)
    else:
        messages.error(request, str(error.message))


def render_for_pro(request, template, context, status=200):
    context.setdefault("pro", getattr(request, "pro", None))
    return render(request, template, context, status=status)
