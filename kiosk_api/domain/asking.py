"""The words of a citizen's message as the question matching reads them, and the part of a long message that asks.

Pure functions, no I/O (used by domain.qa and domain.replies).
"""

from __future__ import annotations

import re
import unicodedata

from procedures_kb.search import QUESTION_WORDS, expand_shorthand
from procedures_kb.text import fold, words

_SYLLABLE = re.compile(r"[^\W_]+")


def marked(text: str) -> list[str]:
    """Lower-case syllables keeping their diacritics ("phạt", "phát"): the matching of facts tells them apart."""
    return _SYLLABLE.findall(unicodedata.normalize("NFC", text.lower()))


def has_marks(text: str) -> bool:
    """Whether the message was typed with diacritics (then "phat" and "phạt" are different words)."""
    lowered = unicodedata.normalize("NFC", text.lower())
    return fold(lowered) != lowered


def tokens(text: str) -> list[str]:
    """Folded syllables with shorthand expanded and particles dropped (as the search does)."""
    return expand_shorthand(words(text))


# ---- the question inside a message -----------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?…;\n])\s+")
_ASKS = re.compile(
    r"(\?|\b(khong|ko|k|chua|gi|j|nao|sao|dau|bao nhieu|bn|bao lau|may|the nao|nhu the nao|lam sao|duoc khong"
    r"|co phai|phai khong|hay khong|the nao|a)\s*[.!]*\s*$)"
)


# Words that only ask ("như vậy có đúng không", "thế thì phải làm sao ạ"): a question made of them says what it asks
# about in the sentence before it.
ASKING_WORDS = QUESTION_WORDS | frozenset(
    "co dung sai vay the nhu sao a nhe nha ha ak ko k j gi lam duoc dc khong hay chang chu ai nen phai".split()
)
BARE_ASK_WORDS = 3


def focus(text: str) -> str:
    """The part of a message that asks: the last sentence with a question in it, with the sentence before it when
    that one is short (it often names the paper); the whole text when no sentence asks."""
    sentences = [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]
    if len(sentences) <= 1:
        return text.strip()
    for i in range(len(sentences) - 1, -1, -1):
        if _ASKS.search(" ".join(words(sentences[i])) + ("?" if sentences[i].endswith("?") else "")):
            bare = len(set(words(sentences[i])) - ASKING_WORDS) < BARE_ASK_WORDS
            start = i - 1 if i > 0 and (bare or len(sentences[i - 1]) <= 80) else i
            return " ".join(sentences[start : i + 1])
    return sentences[-1]
