"""Text helpers for the portal's run-on strings (cleaning, amounts, parentheses, bullets)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..text import fold
from .base import _BULLET_RE, MISSING_VALUES

# ---- text helpers -----------------------------------------------------------------------------------------


def _clean(text: Any) -> str:
    """NFC, no invisible marks, single spaces (newlines kept)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u200e", "").replace("\u200b", "").replace("\ufeff", "").replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _missing(text: str) -> bool:
    return fold(text).strip(" .:-") in MISSING_VALUES


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _strip_bullets(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _BULLET_RE.sub("", text.strip())
    return text.strip(" ;,:")


def _amount(text: str) -> int:
    return int(re.sub(r"[,.]", "", text))


def _matching_paren(text: str, start: int) -> int:
    """Index just after the parenthesis closing the one at `start` (or len(text) when unbalanced)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


class _Collector:
    """Problems (what could not be read), gaps (what the record does not state) and editor notes gathered while
    parsing one record."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.kinds: list[str] = []
        self.gaps: list[str] = []
        self.notes: list[str] = []

    def problem(self, kind: str, detail: str = "") -> None:
        self.problems.append(f"{kind}: {detail}" if detail else kind)
        self.kinds.append(kind)

    def gap(self, kind: str, detail: str = "") -> None:
        text = f"{kind}: {detail}" if detail else kind
        if text not in self.gaps:
            self.gaps.append(text)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
