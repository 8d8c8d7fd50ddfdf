"""Web forms meet domain errors: one way to show a service's refusal on a Django form."""

from .errors import DomainError


def apply_domain_error(form, error: DomainError, *, message_if_unplaced: bool = True) -> bool:
    """Put a service's refusal on `form` and return whether it named a field of the form.

    Every message of every field the error names is kept: on that field when the form has it,
    else as a form-wide (non-field) error. When the error names no field at all and
    `message_if_unplaced` is true, its message becomes a form-wide error, so the refusal is
    always visible; pages that already show `error.message` elsewhere pass False."""
    placed = added = False
    for field, messages in (error.fields or {}).items():
        target = field if field in form.fields else None
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target, str(message))
            added = True
            placed = placed or target is not None
    if not added and message_if_unplaced:
        form.add_error(None, str(error.message))
    return placed
