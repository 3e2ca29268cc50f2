"""Vietnamese text helpers: Unicode normalisation, diacritic folding, money and time wording."""

from __future__ import annotations

import re
from collections.abc import Sequence

from motcua.text import fold, nfc

_WORD_RE = re.compile(r"[0-9a-zđ]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Folded word tokens (syllables) of a text."""
    return _WORD_RE.findall(fold(text))


WrittenForms = dict[str, frozenset[str]]


def written_forms(text: str) -> WrittenForms:
    """Each folded syllable of a text with the forms it is written in (lower case, NFC): "từ" and "tử" are two
    forms of "tu". A text whose folding changes its length (rare symbols) gives no forms."""
    forms: dict[str, set[str]] = {}
    for folded, written in syllables(text):
        forms.setdefault(folded, set()).add(written)
    return {k: frozenset(v) for k, v in forms.items()}


def syllables(text: str) -> list[tuple[str, str]]:
    """Each syllable of a text in order, folded and as written (lower case, NFC); none when folding changes the
    text's length (rare symbols)."""
    lowered = nfc(text.lower())
    folded = fold(lowered)
    if len(folded) != len(lowered):
        return []
    return [(m.group(), lowered[m.start() : m.end()]) for m in _WORD_RE.finditer(folded)]


PairForms = dict[tuple[str, str], tuple[set[str], set[str]]]
"""How two folded syllables said together are written: (("dang", "ky")) → ({"đăng"}, {"ký"})."""


def add_pairs(pairs: PairForms, said: Sequence[tuple[str, str]]) -> None:
    """Record the written forms of each two neighbouring syllables of `said` ((folded, written) in order)."""
    for (fa, wa), (fb, wb) in zip(said, said[1:], strict=False):
        forms = pairs.setdefault((fa, fb), (set(), set()))
        forms[0].add(wa)
        forms[1].add(wb)


def neighbour_readings(pairs: PairForms, folded: Sequence[str], i: int) -> set[str]:
    """The written forms the syllable at `i` takes beside its neighbours where `pairs` knows the pair ("tu choi" is
    "từ chối", "khai tu" is "khai tử"); empty when it knows neither pair."""
    found: set[str] = set()
    if i > 0 and (before := pairs.get((folded[i - 1], folded[i]))) is not None:
        found |= before[1]
    if i + 1 < len(folded) and (after := pairs.get((folded[i], folded[i + 1]))) is not None:
        found |= after[0]
    return found


def same_word(token: str, asked: WrittenForms, named: WrittenForms) -> bool:
    """Whether a folded syllable of a message can be the same word as in a name. Typed without diacritics it can
    ("khai tu" is "khai tử"); typed with them, only in a form the name uses: "từ năm 2008" and "không tự đi lại" do
    not name "khai tử", "đang tạm trú" does not name "đăng ký"."""
    written = asked.get(token)
    forms = named.get(token)
    if not written or not forms or token in written or token in forms:
        return True
    return not written.isdisjoint(forms)


def format_number(n: int) -> str:
    """12000 → '12.000' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    return f"{format_number(amount)} đồng"


def format_decimal(x: float, digits: int = 1) -> str:
    """17.1 → '17,1' (Vietnamese decimal comma)."""
    return f"{x:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fold_spaced(text: str) -> str:
    """`fold` with every run of spaces made one space ("Hồ  sơ\n số" → "ho so so")."""
    return " ".join(fold(text).split())
