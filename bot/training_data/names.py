"""The procedures' names as citizens type them: the phrases annotated in examples, the entity synonyms (every
name and alias -> the procedure code) and the lookup table of names.
"""

from __future__ import annotations

from motcua.text import nfc, strip_marks
from procedures_kb.schema import Procedure

from .sentences import sub_words


def phrase_of(label: str) -> str:
    """A name or alias as citizens type it: lower case, acronyms (KT3, CT07, VNeID) kept."""
    words = []
    for w in label.split():
        keep = sum(ch.isupper() for ch in w) >= 2
        words.append(w if keep else w.lower())
    return nfc(" ".join(words))


def phrases(p: Procedure) -> list[str]:
    """The procedure's name (when short enough to be typed) and aliases, deduplicated."""
    seen: dict[str, None] = {}
    labels = [p.name] if len(p.name.split()) <= 10 else []
    for label in [*labels, *p.aliases]:
        phrase = phrase_of(label)
        if "[" in phrase or "]" in phrase:
            continue
        seen.setdefault(phrase, None)
    return list(seen)


def synonyms(procedures: list[Procedure]) -> dict[str, list[str]]:
    """Every name and alias (lower case, with and without diacritics, common shorthand) -> procedure code."""
    out: dict[str, list[str]] = {}
    for p in procedures:
        labels: dict[str, None] = {}
        for phrase in phrases(p) + [phrase_of(p.name)]:
            for variant in (phrase, sub_words(phrase, "đăng ký", "đk"), sub_words(phrase, "đăng ký", "đăng kí")):
                labels.setdefault(variant.lower(), None)
                labels.setdefault(strip_marks(variant).lower(), None)
        labels.pop(p.national_code, None)
        out[p.national_code] = list(labels)
    return out


def lookup_table(procedures: list[Procedure]) -> list[str]:
    names: dict[str, None] = {}
    for p in procedures:
        for phrase in phrases(p):
            names.setdefault(phrase.lower(), None)
            names.setdefault(strip_marks(phrase).lower(), None)
    return list(names)
