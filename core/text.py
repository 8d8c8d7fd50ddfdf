"""The one check for free text a service stores (reasons, notes, names, labels, addresses).

Every service that takes free text passes it through `clean_text` before writing, whoever
calls it (API, web form, admin action, task): a value that is not a string, or that holds a
NUL byte (PostgreSQL refuses those in text columns), is refused with InvalidInput naming the
field, and nothing is written. Pure: no web framework.
"""

from django.utils.translation import gettext

from .errors import InvalidInput


def clean_text(value, *, field: str, max_length: int | None = None, required: bool = False) -> str:
    """`value` stripped of surrounding spaces; None counts as empty. Raises InvalidInput for a
    non-string, a NUL character, an empty required value or one longer than max_length."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(fields={field: [gettext("Not a valid string.")]})
    if "\x00" in value:
        raise InvalidInput(fields={field: [gettext("Null characters are not allowed.")]})
    value = value.strip()
    if required and not value:
        raise InvalidInput(fields={field: [gettext("This field is required.")]})
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(
            fields={
                field: [
                    gettext("Ensure this field has no more than %(max)d characters.")
                    % {"max": max_length}
                ]
            }
        )
    return value
