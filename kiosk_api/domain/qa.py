"""Which fact or aspect of a procedure answers the citizen's question, and which referral topic a message is about.

Pure functions over the catalogue (no I/O). A procedure's facts (data/facts/, each with the questions it answers)
and the card's aspects (documents, fee, time, where, conditions, legal basis: each with a few ways citizens ask
for it) are ranked together against the question part of the message (`focus`: the last sentence that asks
something, so a long story does not drown it). Two rankers are available and measured against each other by
bench/qa_matching.py: BM25 (rank_bm25, term weights from every fact question of the catalogue) and rapidfuzz's
token-set ratio. Scores are normalised to 0..1: BM25 by the document's score against itself (how much of the
fact's question the message covers), rapidfuzz by 100.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import Fact, Procedure, ReferralTopic
from procedures_kb.search import SHORTHAND
from procedures_kb.text import words

# How citizens ask for each aspect of the card (our wording; matched like a fact's questions).
ASPECT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "documents": (
        "cần giấy tờ gì",
        "hồ sơ gồm những gì",
        "phải mang theo những giấy tờ gì",
        "chuẩn bị hồ sơ thế nào",
    ),
    "fee": ("lệ phí bao nhiêu", "hết bao nhiêu tiền", "có mất tiền không", "phí làm là bao nhiêu"),
    "time": ("mất bao lâu", "mấy ngày thì có kết quả", "bao giờ thì xong", "thời hạn giải quyết là bao lâu"),
    "where": ("nộp hồ sơ ở đâu", "làm ở đâu", "nộp ở cơ quan nào", "đến đâu để làm"),
    "conditions": ("cần điều kiện gì", "điều kiện để được làm là gì"),
    "legal": ("căn cứ pháp lý là gì", "theo luật nào", "văn bản nào quy định"),
}

FACT_THRESHOLD = 0.5
"""A fact answers the question from this normalised score up (and when it beats the best aspect)."""
ASPECT_THRESHOLD = 0.5
REFERRAL_THRESHOLD = 0.6


def tokens(text: str) -> list[str]:
    """Folded syllables with shorthand expanded and particles dropped (as the search does)."""
    out: list[str] = []
    for t in words(text):
        rep = SHORTHAND.get(t)
        if rep is None:
            out.append(t)
        elif rep:
            out.extend(rep.split())
    return out


# ---- the question inside a message -----------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?…;\n])\s+")
_ASKS = re.compile(
    r"(\?|\b(khong|ko|k|chua|gi|j|nao|sao|dau|bao nhieu|bn|bao lau|may|the nao|nhu the nao|lam sao|duoc khong"
    r"|co phai|phai khong|hay khong|the nao|a)\s*[.!]*\s*$)"
)


def focus(text: str) -> str:
    """The part of a message that asks: the last sentence with a question in it, with the sentence before it when
    that one is short (it often names the paper); the whole text when no sentence asks."""
    sentences = [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]
    if len(sentences) <= 1:
        return text.strip()
    for i in range(len(sentences) - 1, -1, -1):
        if _ASKS.search(" ".join(words(sentences[i])) + ("?" if sentences[i].endswith("?") else "")):
            start = i - 1 if i > 0 and len(sentences[i - 1]) <= 80 else i
            return " ".join(sentences[start : i + 1])
    return sentences[-1]


# ---- rankers ---------------------------------------------------------------------------------------------


class Ranker(Protocol):
    name: str

    def scores(self, query: str, ids: Sequence[int]) -> list[float]: ...


@dataclass
class Bm25Ranker:
    """BM25 over every question text of the corpus; a document's score is divided by its score against itself."""

    texts: list[str]
    name: str = "bm25"
    _docs: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self._docs = [tokens(t) or ["_"] for t in self.texts]

    @cached_property
    def _bm25(self) -> BM25Okapi:
        return BM25Okapi(self._docs)

    @cached_property
    def _self(self) -> list[float]:
        return [max(float(self._bm25.get_batch_scores(doc, [i])[0]), 1e-9) for i, doc in enumerate(self._docs)]

    def scores(self, query: str, ids: Sequence[int]) -> list[float]:
        q = tokens(query)
        if not q or not ids:
            return [0.0] * len(ids)
        raw = self._bm25.get_batch_scores(q, list(ids))
        return [min(float(s) / self._self[i], 1.0) for s, i in zip(raw, ids, strict=True)]


@dataclass
class FuzzRanker:
    """rapidfuzz token-set ratio of the folded texts (order-free; a question inside a longer message scores high)."""

    texts: list[str]
    name: str = "rapidfuzz"
    _folded: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self._folded = [" ".join(tokens(t)) for t in self.texts]

    def scores(self, query: str, ids: Sequence[int]) -> list[float]:
        q = " ".join(tokens(query))
        return [fuzz.token_set_ratio(q, self._folded[i]) / 100 for i in ids]


# ---- the index of a catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What answers the question: a fact of the procedure, or an aspect of its card."""

    aspect: str | None = None
    fact: Fact | None = None
    score: float = 0.0


@dataclass
class QuestionIndex:
    """Every fact question and aspect question of the catalogue, and the referral topics' names, for one ranker."""

    catalogue: Catalogue
    ranker_name: str = "bm25"
    _owners: list[tuple[str, object]] = field(init=False, default_factory=list)  # (kind, key) per text
    _by_code: dict[str, list[int]] = field(init=False, default_factory=dict)
    _aspects: list[int] = field(init=False, default_factory=list)
    _referrals: list[int] = field(init=False, default_factory=list)
    ranker: Ranker = field(init=False)

    def __post_init__(self) -> None:
        texts: list[str] = []

        def add(text: str, owner: tuple[str, object]) -> int:
            texts.append(text)
            self._owners.append(owner)
            return len(texts) - 1

        for aspect, questions in ASPECT_QUESTIONS.items():
            self._aspects += [add(q, ("aspect", aspect)) for q in questions]
        for p in self.catalogue.procedures:
            ids = [add(q, ("fact", (p.national_code, i))) for i, f in enumerate(p.facts) for q in f.questions]
            if ids:
                self._by_code[p.national_code] = ids
        for topic in self.catalogue.referrals:
            self._referrals += [add(name, ("referral", topic.id)) for name in (topic.topic, *topic.aliases)]
        self.ranker = Bm25Ranker(texts) if self.ranker_name == "bm25" else FuzzRanker(texts)

    def rank(self, procedure: Procedure, question: str) -> list[tuple[Choice, float]]:
        """Facts of `procedure` and the aspects, best first (each once, with its best question's score)."""
        ids = self._by_code.get(procedure.national_code, []) + self._aspects
        best: dict[tuple[str, object], float] = {}
        for i, score in zip(ids, self.ranker.scores(question, ids), strict=True):
            owner = self._owners[i]
            best[owner] = max(best.get(owner, 0.0), score)
        ranked = []
        for (kind, key), score in sorted(best.items(), key=lambda kv: -kv[1]):
            if kind == "aspect":
                ranked.append((Choice(aspect=str(key), score=score), score))
            else:
                _, index = key  # type: ignore[misc]
                ranked.append((Choice(fact=procedure.facts[index], score=score), score))
        return ranked

    def choose(self, procedure: Procedure, text: str) -> Choice | None:
        """The fact or aspect that answers the message about `procedure`; None when nothing is clearly asked."""
        question = focus(text)
        ranked = self.rank(procedure, question)
        if not ranked:
            return None
        top, score = ranked[0]
        if top.fact is not None and score >= FACT_THRESHOLD:
            return top
        if top.aspect is not None and score >= ASPECT_THRESHOLD:
            return top
        return None

    def referral(self, text: str) -> tuple[ReferralTopic, float] | None:
        """The referral topic the message names best, with its score, or None below the threshold."""
        if not self._referrals:
            return None
        scores = self.ranker.scores(text, self._referrals)
        best: dict[str, float] = {}
        for i, score in zip(self._referrals, scores, strict=True):
            topic_id = str(self._owners[i][1])
            best[topic_id] = max(best.get(topic_id, 0.0), score)
        topic_id, score = max(best.items(), key=lambda kv: kv[1])
        if score < REFERRAL_THRESHOLD:
            return None
        return next(t for t in self.catalogue.referrals if t.id == topic_id), score


_INDEXES: dict[tuple[int, str], QuestionIndex] = {}
DEFAULT_RANKER = "bm25"  # measured against "rapidfuzz" by bench/citizen_eval.py (README, Assistant)


def index_for(catalogue: Catalogue, ranker: str | None = None) -> QuestionIndex:
    """The question index of a catalogue (built once per catalogue object and ranker)."""
    ranker = ranker or DEFAULT_RANKER
    key = (id(catalogue), ranker)
    index = _INDEXES.get(key)
    if index is None or index.catalogue is not catalogue:
        index = _INDEXES[key] = QuestionIndex(catalogue, ranker)
    return index
