"""Vietnamese text as both sides compare it: Unicode NFC and accent folding."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d); NFC/NFD-insensitive. Spacing and punctuation are kept."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


def fold_words(text: str) -> str:
    """The folded words of a text joined by single spaces: "Hủy, nhé!" → "huy nhe"."""
    return " ".join(_WORD.findall(fold(text)))


def strip_marks(text: str) -> str:
    """The text without diacritics, case kept (NFC): "Đăng ký" → "Dang ky" (how citizens type on some phones)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return nfc(stripped.replace("đ", "d").replace("Đ", "D"))
