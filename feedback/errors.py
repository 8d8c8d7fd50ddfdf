"""Domain errors of messages, reviews, reports and support, with their stable codes
(core.errors maps them to API answers; the web views show their message)."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError


class ConversationClosed(Conflict):
    code = "conversation_closed"
    default_message = _(
        "This conversation is closed: messages can be written from the acceptance until 7 "
        "days after the session."
    )


class TooManyMessages(DomainError):
    status = 429
    code = "too_many_messages"
    default_message = _("You are sending messages too fast: wait a moment and try again.")

    def __init__(self, message=None, *, retry_after: int = 60, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ReviewNotAllowed(Conflict):
    code = "review_not_allowed"
    default_message = _("A session can be rated only once it is done.")


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    default_message = _("This session has already been rated.")


class ReportNotAllowed(Conflict):
    code = "report_not_allowed"
    default_message = _("This cannot be reported.")


class ReportAlreadyHandled(Conflict):
    code = "report_already_handled"
    default_message = _("This report has already been handled.")
