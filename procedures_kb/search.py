"""Accent-insensitive ranking of procedures for a free-text Vietnamese question.

Works on folded text (lower-case, no diacritics, NFC/NFD-insensitive). The query is normalised the way
citizens type on a kiosk or on Zalo: shorthand is expanded ("dk" → "dang ky", "ko" → "khong", "bn" →
"bao nhieu"), tokens the catalogue does not know are corrected to the nearest known syllable (one edit
away) or split when two syllables were typed together ("khaisinh"). Each procedure is scored by how well
its best name or alias is covered by the question (syllables weighted by how specific they are across the
catalogue, plus word-pair order), how much of the question's specific words that name explains, and a
small prior for procedures commonly asked at a desk.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .schema import Procedure
from .text import fold, words

# Zalo / SMS shorthand and common abbreviations → folded words.
SHORTHAND: dict[str, str] = {
    "dk": "dang ky",
    "dky": "dang ky",
    "dki": "dang ky",
    "ki": "ky",
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "khg": "khong",
    "hong": "khong",
    "j": "gi",
    "ji": "gi",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "bnhieu": "bao nhieu",
    "dc": "duoc",
    "ntn": "nhu the nao",
    "cmnd": "can cuoc",
    "cccd": "can cuoc",
    "cmt": "can cuoc",
    "hk": "ho khau",
    "gks": "giay khai sinh",
    "ks": "khai sinh",
    "xn": "xac nhan",
    "vk": "vo",
    "ck": "chong",
    "bhyt": "bao hiem y te",
    "ubnd": "uy ban nhan dan",
    "ctv": "cong tac vien",
    "kt3": "tam tru",
    "tthc": "thu tuc",
    "hcc": "hanh chinh cong",
    "sdd": "quyen su dung dat",
    "qsdd": "quyen su dung dat",
    "nc": "nuoc",
    "ng": "nguoi",
    "mk": "minh",
    "e": "em",
    "a": "",
    "ah": "",
    "ak": "",
    "oi": "",
    "nhe": "",
    "nha": "",
    "vay": "",
    "z": "",
    "zay": "",
}

# Words of the question itself (not of any procedure): they never identify a procedure.
QUESTION_WORDS = frozenset(
    """
    cho toi hoi xin chao minh em anh chu bac can nhung gi gio nao nhu bao nhieu lau tien phi le ngay o dau nop
    mang theo duoc khong phai thi la va voi cua muon biet giup thu tuc cac mot hay roi chua nay thoi gian
    het ton
    """.split()
)
QUESTION_WORD_WEIGHT = 0.15


@dataclass(frozen=True)
class SearchHit:
    procedure: Procedure
    score: float  # 0..1, higher is better
    matched: str  # the name or alias that matched best


@dataclass(frozen=True)
class _Alias:
    procedure_index: int
    text: str
    tokens: tuple[str, ...]
    bigrams: frozenset[tuple[str, str]]


def _bigrams(tokens: list[str] | tuple[str, ...]) -> frozenset[tuple[str, str]]:
    return frozenset(zip(tokens, tokens[1:], strict=False))


_DIGITS = re.compile(r"^\d+$")


class SearchIndex:
    def __init__(self, procedures: list[Procedure]):
        self.procedures = procedures
        self._aliases: list[_Alias] = []
        self._by_token: dict[str, list[int]] = defaultdict(list)
        doc_tokens: list[set[str]] = []
        for pi, p in enumerate(procedures):
            seen: set[str] = set()
            own = set()
            for text in [p.name, *p.aliases]:
                toks = tuple(self._expand(words(text)))
                key = " ".join(toks)
                if not toks or key in seen:
                    continue
                seen.add(key)
                ai = len(self._aliases)
                self._aliases.append(_Alias(pi, text, toks, _bigrams(toks)))
                for t in set(toks):
                    self._by_token[t].append(ai)
                own.update(toks)
            doc_tokens.append(own)
        n = len(procedures)
        df: dict[str, int] = defaultdict(int)
        for toks in doc_tokens:
            for t in toks:
                df[t] += 1
        self._idf = {t: math.log((n + 1) / (c + 0.5)) + 0.1 for t, c in df.items()}
        self._vocab = sorted(set(self._idf) | QUESTION_WORDS | {"dang", "ky", "khong", "gi"})
        self._vocab_set = set(self._vocab)
        self._long_vocab = [t for t in self._vocab if len(t) >= 3]
        self._correction_cache: dict[str, str | None] = {}

    # ---- query normalisation --------------------------------------------------------------

    @staticmethod
    def _expand(tokens: list[str]) -> list[str]:
        out: list[str] = []
        for t in tokens:
            rep = SHORTHAND.get(t)
            if rep is None:
                out.append(t)
            elif rep:
                out.extend(rep.split())
        return out

    def _correct(self, token: str) -> list[str]:
        """A known syllable for an unknown token: one edit away, or two known syllables typed together."""
        if token in self._vocab_set or _DIGITS.match(token) or len(token) < 3:
            return [token]
        if token in self._correction_cache:
            cached = self._correction_cache[token]
            return cached.split() if cached else [token]
        fixed: str | None = None
        for i in range(2, len(token) - 1):
            a, b = token[:i], token[i:]
            if a in self._idf and b in self._idf:
                fixed = f"{a} {b}"
                break
        if fixed is None:
            cutoff = 1 if len(token) <= 6 else 2
            match = process.extractOne(
                token, self._long_vocab, scorer=Levenshtein.distance, score_cutoff=cutoff
            )
            if match is not None:
                fixed = match[0]
        self._correction_cache[token] = fixed
        return fixed.split() if fixed else [token]

    def normalise_query(self, query: str) -> list[str]:
        toks = self._expand(words(query))
        out: list[str] = []
        for t in toks:
            out.extend(self._correct(t))
        return out

    # ---- scoring ----------------------------------------------------------------------------

    def _weight(self, token: str) -> float:
        w = self._idf.get(token, 0.0)
        if token in QUESTION_WORDS:
            w *= QUESTION_WORD_WEIGHT
        return w

    def search(self, query: str, *, limit: int = 5, field: str | None = None) -> list[SearchHit]:
        q_tokens = self.normalise_query(query)
        q_set = set(q_tokens)
        q_bigrams = _bigrams(q_tokens)
        q_weight = sum(self._weight(t) for t in q_set)
        if q_weight <= 0:
            return []
        field_key = fold(field) if field else None

        candidates: set[int] = set()
        for t in q_set:
            candidates.update(self._by_token.get(t, ()))

        best: dict[int, tuple[float, str]] = {}
        for ai in candidates:
            alias = self._aliases[ai]
            p = self.procedures[alias.procedure_index]
            if field_key and fold(p.field) != field_key:
                continue
            a_set = set(alias.tokens)
            total = sum(self._weight(t) for t in a_set)
            if total <= 0:
                continue
            common = a_set & q_set
            covered = sum(self._weight(t) for t in common)
            alias_cov = covered / total
            query_cov = covered / q_weight
            pair_cov = len(alias.bigrams & q_bigrams) / len(alias.bigrams) if alias.bigrams else alias_cov
            score = 0.55 * alias_cov + 0.25 * query_cov + 0.20 * pair_cov
            score = score * 0.97 + 0.03 * (p.popularity / 100)
            prev = best.get(alias.procedure_index)
            if prev is None or score > prev[0]:
                best[alias.procedure_index] = (score, alias.text)

        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -self.procedures[kv[0]].popularity))
        return [
            SearchHit(self.procedures[pi], round(min(score, 1.0), 4), text)
            for pi, (score, text) in ranked[:limit]
        ]
