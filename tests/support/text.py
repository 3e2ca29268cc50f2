"""Text helpers the assistant's tests share."""

from __future__ import annotations

import re
import unicodedata


def norm(text: str) -> str:
    """The evaluation set's normalisation: lower-case, no diacritics (đ → d), no thousands separators."""
    t = unicodedata.normalize("NFD", text.lower())
    t = "".join(c for c in t if unicodedata.category(c) != "Mn").replace("đ", "d")
    return re.sub(r"(?<=\d)\.(?=\d{3})", "", t)
