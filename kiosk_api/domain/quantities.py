"""The numbers in a citizen's message: pages and copies ("10 trang", "ba bản") for fees counted per page or copy,
and the age of the person asked about ("mẹ em 72t"), with the ages a procedure's name states (pure functions)."""

from __future__ import annotations

import re

from procedures_kb.schema import MAX_AGE
from procedures_kb.text import fold_spaced

_UNITS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_TENS_WORDS = ("muoi", "chuc")
_NUMBER_WORD = r"(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|chuc|linh|le)"
_NUMBER = rf"(?P<n>\d{{1,4}}|{_NUMBER_WORD}(?:\s+{_NUMBER_WORD}){{0,3}})"
_PAGES_RE = re.compile(rf"(?<![\w.]){_NUMBER}\s*(?:trang|tr)\b")
_COPIES_RE = re.compile(rf"(?<![\w.]){_NUMBER}\s*(?:ban|bo)\b")
MAX_PAGES = 10_000
MAX_COPIES = 1_000


def number_from_words(text: str) -> int | None:
    """'10' → 10, 'ba' → 3, 'muoi' → 10, 'muoi lam' → 15, 'hai muoi mot' → 21 (folded words, 1..99)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    tokens = [t for t in text.split() if t not in ("linh", "le")]
    if not tokens:
        return None
    if tokens[0] in _TENS_WORDS:  # mười, mười lăm
        rest = tokens[1:]
        if len(rest) > 1 or (rest and rest[0] not in _UNITS):
            return None
        return 10 + (_UNITS[rest[0]] if rest else 0)
    if tokens[0] not in _UNITS:
        return None
    first = _UNITS[tokens[0]]
    if len(tokens) == 1:
        return first
    if tokens[1] in _TENS_WORDS:  # hai mươi, hai mươi mốt
        rest = tokens[2:]
        if len(rest) > 1 or (rest and rest[0] not in _UNITS):
            return None
        return first * 10 + (_UNITS[rest[0]] if rest else 0)
    return None


def _find_number(pattern: re.Pattern[str], text: str, maximum: int) -> int | None:
    for match in pattern.finditer(text):
        value = number_from_words(match.group("n"))
        if value is None:
            # "hai ba trang": try the shortest tail that is a number ("ba")
            parts = match.group("n").split()
            for i in range(1, len(parts)):
                value = number_from_words(" ".join(parts[i:]))
                if value is not None:
                    break
        if value is not None and 1 <= value <= maximum:
            return value
    return None


def parse_quantities(text: str) -> tuple[int | None, int | None]:
    """(pages, copies) named in a message: "10 trang", "3 bản", "ba bản", "mười trang"; None when absent."""
    folded = fold_spaced(text)
    return _find_number(_PAGES_RE, folded, MAX_PAGES), _find_number(_COPIES_RE, folded, MAX_COPIES)


# ---- ages ----------------------------------------------------------------------------------------

_AGE_RE = re.compile(rf"(?:(?P<side>duoi|tren|qua)\s+)?(?<![\w.]){_NUMBER}\s*(?:tuoi|t)\b")
_AGE_NOW_RE = re.compile(r"\bnam nay\s+(?P<n>\d{1,3})\b")
_NAME_BELOW = re.compile(r"\bduoi (\d{1,3}) tuoi\b")
_NAME_FROM = re.compile(r"\btu du (\d{1,3}) tuoi\b")


def parse_age(text: str) -> int | None:
    """The one age a message states ("bé 3 tuổi", "me e 72t", "năm nay 76", "con dưới 6 tuổi" → 5); None when it
    states none, or several that differ (whose would it be?)."""
    folded = fold_spaced(text)
    ages = set()
    for match in _AGE_RE.finditer(folded):
        value = number_from_words(match.group("n"))
        if value is None or not 0 <= value <= MAX_AGE:
            continue
        side = match.group("side")
        ages.add(value - 1 if side == "duoi" else value + 1 if side else value)
    ages.update(int(m.group("n")) for m in _AGE_NOW_RE.finditer(folded) if int(m.group("n")) <= MAX_AGE)
    return ages.pop() if len(ages) == 1 else None


def age_range(name: str) -> tuple[int, int]:
    """The ages a procedure is for, as its name states them ("… cho người dưới 14 tuổi": 0..13, "… từ đủ 14 tuổi
    trở lên": 14..); 0..MAX_AGE when it states none."""
    folded = fold_spaced(name)
    low = max((int(m) for m in _NAME_FROM.findall(folded)), default=0)
    high = min((int(m) - 1 for m in _NAME_BELOW.findall(folded)), default=MAX_AGE)
    return low, high


def fits_age(name: str, age: int | None) -> bool:
    if age is None:
        return True  # most messages state no age: the name is not read
    low, high = age_range(name)
    return low <= age <= high
