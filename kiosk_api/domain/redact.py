"""Removing personal data from free text before it is logged or stored for statistics."""

from __future__ import annotations

import re
import unicodedata

from motcua.codes import DOSSIER_CODE_IN_TEXT, PROCEDURE_CODE_IN_TEXT

PHONE = "[phone]"
ID_NUMBER = "[id-number]"
DOSSIER_CODE = "[dossier-code]"
EMAIL = "[email]"
NUMBER = "[number]"

# Dossier codes: `{unit code}-{yyMMdd}-{NNNN}` (e.g. 000.00.06.H56-231027-0361), also other
# `PREFIX-digits-digits` codes from one-stop software.
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: 0xxx or +84/84 followed by 8–10 more digits, optionally grouped by spaces, dots or dashes.
# Not preceded by a digit or a dot, so procedure codes such as 1.001193.000.00.00.H56 are left alone.
_PHONE_RE = re.compile(r"(?<![\d.])(?:\+84|84|0)(?:[ .\-]?\d){8,10}(?![\d])")
# Citizen ID (căn cước, 12 digits) and old ID card (CMND, 9 digits), or passport-like letter + 7-8 digits.
_ID_RE = re.compile(r"(?<![\d.])(?:\d{12}|\d{9}|[A-Za-z]\d{7,8})(?![\d])")
# Procedure codes (1.001193, 1.001193.000.00.00.H56) are not personal data: kept as they are.
# Any other long run of digits (account numbers, house-hold book numbers …).
_LONG_NUMBER_RE = re.compile(r"(?<![\d.])\d(?:[ .\-]?\d){6,}(?![\d])")


def redact(text: str) -> str:
    """Replace phone numbers, ID numbers, dossier codes, e-mail addresses and long digit runs by placeholders.

    Procedure codes (`1.001193`), dates and small numbers (page counts, amounts under 7 digits) are kept.
    """
    text = DOSSIER_CODE_IN_TEXT.sub(DOSSIER_CODE, text.replace("\x00", ""))
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = PROCEDURE_CODE_IN_TEXT.sub(keep, text)
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _PHONE_RE.sub(PHONE, text)
    text = _ID_RE.sub(ID_NUMBER, text)
    text = _LONG_NUMBER_RE.sub(NUMBER, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


# ---- stored chat text: also the phone's last digits, names and house numbers a citizen types ----------------

DIGITS = "[digits]"
NAME = "[name]"
HOUSE = "[house-number]"

# On the folded text (lower case, no diacritics, same length as the original, see _fold).
_DIGITS_CUE_RE = re.compile(
    r"(?:so cuoi|duoi|bon so|4 so|so dien thoai|dien thoai|sdt|\bdt|ma xac nhan|pin|mat khau)\D{0,20}?"
    r"(\d(?:[ .]?\d){2,5})(?!\d)"
)
_BARE_DIGITS_RE = re.compile(r"^\s*\d(?:[\d .-]{0,10}\d)?\s*$")
_NAME_CUE_RE = re.compile(
    r"\b(?:toi ten la|ten toi la|ten cua toi la|toi ten|ho va ten|ho ten|ten (?:em|chau|con|minh|toi) la|"
    r"(?:em|chau|con|minh) ten(?: la)?|ten la|toi la)\b\s*:?\s*((?:[a-z]+\s*){1,4})"
)
_NAME_STOP = {"o", "nha", "so", "sinh", "nam", "muon", "can", "dang", "hoi", "lam", "co", "va", "nguoi", "de", "xin"}
_HOUSE_RE = re.compile(r"\b(?:so nha|nha so|ngo|ngach|hem|kiet|thon|xom|to|ap|khu pho|phong)\s*(\d+[a-z]?)\b")


def _fold(text: str) -> str:
    """Lower case without diacritics, one character for one (so spans found in it are spans of `text`)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else "d"
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


def _name_span(match: re.Match[str]) -> tuple[int, int] | None:
    words = list(re.finditer(r"[a-z]+", match.group(1)))
    kept = []
    for word in words:
        if word.group(0) in _NAME_STOP:
            break
        kept.append(word)
    if not kept:
        return None
    start = match.start(1) + kept[0].start()
    return start, match.start(1) + kept[-1].end()


def redact_for_storage(text: str) -> str:
    """`redact`, plus what a citizen types about themselves that statistics do not need: the last phone digits
    given for a lookup (after a cue such as "4 số cuối", or a message of digits only), a name after "tôi tên là …"
    and house numbers ("nhà số 12", "ngõ 34")."""
    text = redact(text)  # phones, ID numbers, codes first: what is left are short numbers and words
    if _BARE_DIGITS_RE.match(text):
        return DIGITS
    folded = _fold(text)
    spans: list[tuple[int, int, str]] = []
    spans += [(m.start(1), m.end(1), DIGITS) for m in _DIGITS_CUE_RE.finditer(folded)]
    spans += [(m.start(1), m.end(1), HOUSE) for m in _HOUSE_RE.finditer(folded)]
    for m in _NAME_CUE_RE.finditer(folded):
        span = _name_span(m)
        if span is not None:
            spans.append((*span, NAME))
    last_start = len(text) + 1
    for start, end, placeholder in sorted(spans, reverse=True):
        if end > last_start:  # overlaps a span already replaced
            continue
        text = text[:start] + placeholder + text[end:]
        last_start = start
    return text
