"""Removing personal data from free text before it is logged or stored for statistics."""

from __future__ import annotations

import re

PHONE = "[phone]"
ID_NUMBER = "[id-number]"
DOSSIER_CODE = "[dossier-code]"
EMAIL = "[email]"
NUMBER = "[number]"

# Dossier codes: `{unit code}-{yyMMdd}-{NNNN}` (e.g. 000.00.06.H56-231027-0361), also other
# `PREFIX-digits-digits` codes from one-stop software.
_DOSSIER_RE = re.compile(r"(?<![\w.])[0-9A-Za-z][0-9A-Za-z.]*-\d{6}-\d{3,6}(?!\w)")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: 0xxx or +84/84 followed by 8–10 more digits, optionally grouped by spaces, dots or dashes.
# Not preceded by a digit or a dot, so procedure codes such as 1.001193.000.00.00.H56 are left alone.
_PHONE_RE = re.compile(r"(?<![\d.])(?:\+84|84|0)(?:[ .\-]?\d){8,10}(?![\d])")
# Citizen ID (căn cước, 12 digits) and old ID card (CMND, 9 digits), or passport-like letter + 7-8 digits.
_ID_RE = re.compile(r"(?<![\d.])(?:\d{12}|\d{9}|[A-Za-z]\d{7,8})(?![\d])")
# Procedure codes (1.001193, 1.001193.000.00.00.H56) are not personal data: kept as they are.
_PROCEDURE_CODE_RE = re.compile(r"(?<![\w.])\d\.\d{6}(?:\.[0-9A-Za-z]+)*(?![\w])")
# Any other long run of digits (account numbers, house-hold book numbers …).
_LONG_NUMBER_RE = re.compile(r"(?<![\d.])\d(?:[ .\-]?\d){6,}(?![\d])")


def redact(text: str) -> str:
    """Replace phone numbers, ID numbers, dossier codes, e-mail addresses and long digit runs by placeholders.

    Procedure codes (`1.001193`), dates and small numbers (page counts, amounts under 7 digits) are kept.
    """
    text = _DOSSIER_RE.sub(DOSSIER_CODE, text.replace("\x00", ""))
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = _PROCEDURE_CODE_RE.sub(keep, text)
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _PHONE_RE.sub(PHONE, text)
    text = _ID_RE.sub(ID_NUMBER, text)
    text = _LONG_NUMBER_RE.sub(NUMBER, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
