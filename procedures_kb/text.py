"""Vietnamese text helpers: Unicode normalisation, diacritic folding, money and time wording."""

from __future__ import annotations

import re
import unicodedata

_WORD_RE = re.compile(r"[0-9a-zđ]+", re.UNICODE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d), NFC/NFD-insensitive."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def words(text: str) -> list[str]:
    """Folded word tokens (syllables) of a text."""
    return _WORD_RE.findall(fold(text))


def format_number(n: int) -> str:
    """12000 → '12.000' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    return f"{format_number(amount)} đồng"


def format_decimal(x: float, digits: int = 1) -> str:
    """17.1 → '17,1' (Vietnamese decimal comma)."""
    return f"{x:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
