"""Phone numbers in, E.164 out (the `phonenumbers` library, Google's libphonenumber
metadata): a number is accepted only when it is a valid number of its country."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError

MAX_INPUT_CHARS = 40


def phone_normalize(raw: str) -> str:
    """ "+44 7911 123456" -> "+447911123456"; ValidationError (code
    `invalid_phone_number`) for anything that is not a valid number. Without a leading
    "+", PHONE_DEFAULT_REGION says the country (and none set means refused)."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_INPUT_CHARS:
        raise _invalid()
    region = settings.PHONE_DEFAULT_REGION.upper() or None
    try:
        parsed = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException:
        raise _invalid() from None
    if parsed.extension or not phonenumbers.is_valid_number(parsed):
        raise _invalid()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _invalid() -> ValidationError:
    return ValidationError(
        "Not a valid phone number: give it in international form, e.g. +447911123456.",
        code="invalid_phone_number",
    )
