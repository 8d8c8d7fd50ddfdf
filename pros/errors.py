"""The domain errors pros' services raise (codes are stable: API clients and tests read them)."""

from django.utils.translation import gettext_lazy

from core.errors import Conflict, InvalidInput, RuleRefused


class EmailTaken(InvalidInput):
    """An account already uses the e-mail. Same code and shape as the customer sign-up's answer
    ("invalid" with an `email` field); the message tells a pro to log in first."""

    default_message = gettext_lazy(
        "An account already uses this e-mail address. Log in first, then create your pro profile."
    )

    def __init__(self, message=None, **kwargs):
        message = message or self.default_message
        kwargs.setdefault("fields", {"email": [str(message)]})
        super().__init__(message, **kwargs)


class AlreadyPro(Conflict):
    code = "already_pro"
    default_message = gettext_lazy("You already have a pro profile.")


class InvalidReferralCode(InvalidInput):
    code = "invalid_referral_code"
    default_message = gettext_lazy("This referral code does not exist.")


class TermsNotAccepted(InvalidInput):
    code = "terms_not_accepted"
    default_message = gettext_lazy("You must accept the partnership terms.")


class InvalidFile(InvalidInput):
    code = "invalid_file"
    default_message = gettext_lazy("This file is not accepted.")


class InvalidHours(InvalidInput):
    code = "invalid_hours"


class CannotActivate(RuleRefused):
    code = "pro_incomplete"
    default_message = gettext_lazy("This pro cannot be activated yet.")
