"""Domain errors of check-in and cancellations, with their stable codes (core.errors maps
them to API answers; the web views show their message)."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict


class DeclarationNotAllowed(Conflict):
    """The kind does not fit the session's state or the time; the message says the rule."""

    code = "declaration_not_allowed"
    default_message = _("This declaration is not possible now.")


class DeclarationDeadlinePassed(Conflict):
    code = "declaration_deadline_passed"
    default_message = _(
        "The 5 days to declare this session are over: its billing is cancelled and it can no "
        "longer be changed."
    )


class BookingNotCancellable(Conflict):
    code = "booking_not_cancellable"
    default_message = _("This session can no longer be cancelled.")


class FeeNotWaivable(Conflict):
    code = "fee_not_waivable"
    default_message = _("This fee can no longer be waived.")
