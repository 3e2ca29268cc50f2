"""Digits said aloud ("không chín một hai") as digits ("0912"): for the dossier code and the phone's last digits,
which an elderly citizen may say rather than type. Pure, no I/O.

Digit words in their usual variants (một/mốt, bốn/tư, năm/lăm, bảy/bẩy, không/linh/lẻ), digits the recogniser
already wrote as figures, and tens said as numbers ("mười hai" 12, "hai mươi" 20, "ba mươi lăm" 35); every other
word ("số", "đuôi", "là", "của tôi") is left out.
"""

from __future__ import annotations

import re
import unicodedata

DIGIT_WORDS = {
    "không": 0, "linh": 0, "lẻ": 0,
    "một": 1, "mốt": 1,
    "hai": 2, "ba": 3,
    "bốn": 4, "tư": 4,
    "năm": 5, "lăm": 5,
    "sáu": 6,
    "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9,
}  # fmt: skip
_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)


def digits_from_speech(text: str) -> str:
    """The digits said in `text`, in order ("" when none)."""
    words = _TOKEN.findall(unicodedata.normalize("NFC", text.lower()))
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word.isdigit():
            out.append(word)
        elif word == "mười":  # "mười" 10, "mười hai" 12
            unit = DIGIT_WORDS.get(nxt) if nxt is not None else None
            out.append(f"1{unit}" if unit is not None and unit != 0 else "10")
            i += 1 if unit is not None and unit != 0 else 0
        elif word in DIGIT_WORDS and nxt == "mươi":  # "hai mươi" 20, "ba mươi lăm" 35
            after = words[i + 2] if i + 2 < len(words) else None
            unit = DIGIT_WORDS.get(after) if after is not None else None
            out.append(f"{DIGIT_WORDS[word]}{unit if unit is not None else 0}")
            i += 2 if unit is not None else 1
        elif word in DIGIT_WORDS:
            out.append(str(DIGIT_WORDS[word]))
        i += 1
    return "".join(out)
