"""Vietnamese phone numbers: normalisation for keyed hashing (the number itself is never stored)."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")


class PhoneError(ValueError):
    pass


def normalise_phone(text: str) -> str:
    """Digits of a Vietnamese phone number in national form (leading 0).

    Accepts spaces, dots, dashes and brackets as separators and the +84 / 84 country code. A 9-digit
    number is taken as one whose leading 0 was lost (spreadsheets drop it). Raises PhoneError unless the
    number has 9–11 digits.
    """
    raw = _SEPARATORS.sub("", text.strip())
    if raw.startswith("+"):
        raw = raw[1:]
    if not raw.isdigit() or not raw.isascii():
        raise PhoneError("phone number must contain only digits")
    if not 9 <= len(raw) <= 11:
        raise PhoneError(f"phone number must have 9–11 digits, found {len(raw)}")
    if raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    elif len(raw) == 9:
        raw = "0" + raw
    return raw


def last4(phone: str) -> str:
    return phone[-4:]


def is_last4(text: str | None) -> bool:
    return text is not None and len(text) == 4 and text.isascii() and text.isdigit()
