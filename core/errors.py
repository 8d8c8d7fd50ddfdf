"""Domain errors with stable codes: pure Python, no web framework.

Services raise DomainError subclasses. `status` is the HTTP status the API answers with
(a plain int, so the kernel does not depend on the interface framework); the mapping to
{"error": {"code", "message", "fields"?}} lives in `core.api`. Web views catch DomainError
and show `message` on the form.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message = _("This action is not possible.")

    def __init__(self, message=None, *, code=None, fields=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    code = "invalid"
    default_message = _("Some fields are invalid.")


class RuleRefused(DomainError):
    """A business rule refuses (400), e.g. too_late_to_book, no_pro_in_area."""


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("This is no longer possible.")
