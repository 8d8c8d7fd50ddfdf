"""The bookings domain errors: each refusal a service can answer, with its stable code.

The HTTP status comes from the base class (`core.errors`): RuleRefused 400, NotAllowed 403,
Conflict 409. The API and the web views show `message`; clients branch on `code`.
"""

from django.utils.translation import gettext_lazy

from core.errors import Conflict, NotAllowed, RuleRefused


class TooLateToBook(RuleRefused):
    code = "too_late_to_book"
    default_message = gettext_lazy("Sessions must be booked at least 2 hours before they start.")


class NoProInArea(RuleRefused):
    code = "no_pro_in_area"
    default_message = gettext_lazy("No pro works at this address yet.")


class PaymentMethodRequired(RuleRefused):
    code = "payment_method_required"
    default_message = gettext_lazy("Save a payment card before booking.")


class SlotUnavailable(RuleRefused):
    code = "slot_unavailable"
    default_message = gettext_lazy("This pro is not available at that time.")


class FavoriteNotAllowed(RuleRefused):
    code = "favorite_not_allowed"
    default_message = gettext_lazy("Only a pro who served you can be a favourite.")


class ProposalUnavailable(Conflict):
    code = "proposal_unavailable"
    default_message = gettext_lazy("This proposal is no longer available.")


class DuplicateRequest(Conflict):
    """A second open request for the same home (customer and address) at an overlapping time:
    the database's exclusion constraint refuses it (a retried POST cannot dispatch twice)."""

    code = "duplicate_request"
    default_message = gettext_lazy("A request for this address at that time is already open.")


class AgendaConflict(Conflict):
    code = "agenda_conflict"
    default_message = gettext_lazy("This session overlaps another one in the agenda.")


class ProUnavailable(Conflict):
    code = "pro_unavailable"
    default_message = gettext_lazy("This pro can no longer take sessions.")


class RequestUnavailable(Conflict):
    code = "request_unavailable"
    default_message = gettext_lazy("This request can no longer be changed.")


class CounterOfferUnavailable(Conflict):
    code = "counter_offer_unavailable"
    default_message = gettext_lazy("This proposed time is no longer available.")


class NotYourCustomer(NotAllowed):
    code = "not_your_customer"
    default_message = gettext_lazy("You can only set up sessions for customers you have served.")
