"""The two rankers of fact questions measured against each other (bench/citizen_eval.py): BM25 (rank_bm25, with
Lucene's smooth idf) and rapidfuzz's token-set ratio. Both score a message's words against documents of the index
and normalise to about 0..1. Pure, no I/O.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz

PRECISION_WEIGHT = 0.1
"""BM25: the share of the message's words (weighted by rarity) a question covers, added with this weight to how much
of the question the message covers. A tie-breaker: a long story covers many short questions in full."""


class SmoothBM25(BM25Okapi):
    """BM25 with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)): positive and smooth. BM25Okapi's floor for
    words in more than half of the documents made a common word's weight jump (about 1.4 ↔ 0.02) when one fact
    question more or less held it."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


# ---- rankers ---------------------------------------------------------------------------------------------


class Ranker(Protocol):
    name: str

    def scores(self, query: list[str], ids: Sequence[int]) -> list[float]: ...


@dataclass
class Bm25Ranker:
    """BM25 over every question of the corpus (token lists); a document's score is divided by its score against
    itself, so 1.0 means the message covers the whole question."""

    docs: list[list[str]]
    name: str = "bm25"
    _docs: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self._docs = [d or ["_"] for d in self.docs]

    @cached_property
    def _bm25(self) -> BM25Okapi:
        return SmoothBM25(self._docs)

    @cached_property
    def _self(self) -> list[float]:
        return [max(float(self._bm25.get_batch_scores(doc, [i])[0]), 1e-9) for i, doc in enumerate(self._docs)]

    @cached_property
    def _postings(self) -> dict[str, list[tuple[int, float]]]:
        """Per word, the documents holding it with its BM25 term weight there (idf × saturated frequency): the
        scores of rank_bm25's get_batch_scores, summed over the few documents a word is in rather than all."""
        bm25 = self._bm25
        out: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, freqs in enumerate(bm25.doc_freqs):
            norm = bm25.k1 * (1 - bm25.b + bm25.b * bm25.doc_len[i] / bm25.avgdl)
            for word, f in freqs.items():
                out[word].append((i, bm25.idf.get(word, 0.0) * f * (bm25.k1 + 1) / (f + norm)))
        return out

    def _raw(self, query: list[str], ids: Sequence[int]) -> list[float]:
        totals: defaultdict[int, float] = defaultdict(float)
        postings = self._postings
        for word in query:
            for i, weight in postings.get(word, ()):
                totals[i] += weight
        return [totals.get(i, 0.0) for i in ids]

    def scores(self, query: list[str], ids: Sequence[int]) -> list[float]:
        q = query
        if not q or not ids:
            return [0.0] * len(ids)
        raw = self._raw(q, ids)
        idf = self._bm25.idf
        asked = {t: max(idf.get(t, 0.0), 0.0) for t in set(q)}
        total = sum(asked.values()) or 1.0
        out = []
        for s, i in zip(raw, ids, strict=True):
            recall = min(float(s) / self._self[i], 1.0)
            doc = self._sets[i]
            precision = sum(w for t, w in asked.items() if t in doc) / total
            out.append(recall + PRECISION_WEIGHT * precision)
        return out

    @cached_property
    def _sets(self) -> list[frozenset[str]]:
        return [frozenset(d) for d in self._docs]


@dataclass
class FuzzRanker:
    """rapidfuzz token-set ratio of the folded texts (order-free; a question inside a longer message scores high)."""

    docs: list[list[str]]
    name: str = "rapidfuzz"
    _folded: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self._folded = [" ".join(d) for d in self.docs]

    def scores(self, query: list[str], ids: Sequence[int]) -> list[float]:
        q = " ".join(query)
        return [fuzz.token_set_ratio(q, self._folded[i]) / 100 for i in ids]
