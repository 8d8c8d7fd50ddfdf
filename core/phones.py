"""Phone numbers: parse (default region France) and store in E.164."""

import phonenumbers
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "FR"


class InvalidPhone(ValueError):
    pass


def phone_to_e164(value: str, region: str = DEFAULT_REGION) -> str:
    """'06 12 34 56 78' -> '+33612345678'; raises InvalidPhone for anything not a valid number."""
    try:
        number = phonenumbers.parse((value or "").strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(_("Enter a valid phone number.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(_("Enter a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
