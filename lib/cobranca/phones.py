# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Brazilian phone numbers for SMS: which ones are mobiles.

Parsed with ``phonenumbers`` (Google's libphonenumber metadata: the 67 DDDs,
9-digit mobiles starting with 9, landlines of 8 digits starting with 2 to 5)
in region ``BR``, so that every way Brazilians write a number is understood:

* with or without the country code (``+55``, ``55``);
* with or without the trunk prefix ``0`` and the long-distance carrier code
  (``0 21 11 98765-4321``, ``0xx11 …``);
* with spaces, dashes, dots and parentheses.

:func:`classify_br_phone` answers ``'mobile'`` (can receive SMS),
``'fixed'`` (a valid Brazilian number that is not a mobile: a landline, but
also ``0800``/``0300``/``4004`` numbers — none of them receives SMS) or
``'invalid'`` (not a number, too short or too long, an unknown DDD, the old
8-digit mobiles, short numbers such as ``190``, and numbers of other
countries: this channel reminds Brazilian customers).
"""

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

MOBILE = "mobile"
FIXED = "fixed"
INVALID = "invalid"

#: Longest input looked at: a phone number, however decorated, is short.
MAX_INPUT_LENGTH = 64


def classify_br_phone(raw: str | None) -> tuple[str | None, str]:
    """Return ``(E.164 number, kind)`` of the Brazilian number ``raw``.

    ``kind`` is ``'mobile'``, ``'fixed'`` or ``'invalid'`` (see the module
    documentation); the E.164 number (``+5511987654321``) is ``None`` when
    the number is invalid.

    :raises TypeError: when ``raw`` is neither a string nor ``None``.
    """
    if raw is None or raw is False:
        return None, INVALID
    if not isinstance(raw, str):
        raise TypeError(f"raw must be a str, got {type(raw).__name__}: {raw!r}")
    text = raw.strip()
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None, INVALID
    try:
        number = phonenumbers.parse(text, "BR")
    except phonenumbers.NumberParseException:
        return None, INVALID
    if number.country_code != 55 or not phonenumbers.is_valid_number(number):
        return None, INVALID
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if phonenumbers.number_type(number) == PhoneNumberType.MOBILE:
        return e164, MOBILE
    return e164, FIXED


def br_mobile(*candidates: str | None) -> tuple[str | None, str]:
    """The first mobile among ``candidates`` (e.g. a customer's mobile field,
    then its phone field): ``(E.164, 'mobile')``, or else the classification
    of the first candidate that is set (``'fixed'`` or ``'invalid'``), or
    ``(None, 'invalid')`` when none is set."""
    first = None
    for raw in candidates:
        if not raw:
            continue
        result = classify_br_phone(raw)
        if result[1] == MOBILE:
            return result
        first = first or result
    return first or (None, INVALID)
