"""Which fact or aspect of a procedure answers the citizen's question, and which referral topic a message is about.

Pure functions over the catalogue (no I/O). A procedure's facts (data/facts/, each with the questions it answers)
and the card's aspects (documents, fee, time, where, conditions, legal basis: each with a few ways citizens ask
for it) are ranked together against the question part of the message (`focus`: the last sentence that asks
something, so a long story does not drown it). Two rankers are available and measured against each other by
bench/citizen_eval.py: BM25 (rank_bm25, term weights from every fact question of the catalogue) and rapidfuzz's
token-set ratio. Scores are normalised to about 0..1: BM25 by the document's score against itself (how much of the
fact's question the message covers, plus PRECISION_WEIGHT × how much of the message the question covers),
rapidfuzz by 100. Among one procedure's facts, how much of the question the fact's answer holds is added too.
Closeness in meaning (procedures_kb.semantic) reorders the facts the words already ask, and weighs candidates'
facts against each other; thresholds stay on the words' score.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import Fact, FactKind, Procedure, ReferralTopic
from procedures_kb.search import SHORTHAND, register_gone, register_kept
from procedures_kb.semantic import Embedder, default_embedder
from procedures_kb.text import (
    PairForms,
    WrittenForms,
    add_pairs,
    fold,
    neighbour_readings,
    same_word,
    words,
    written_forms,
)

from .asking import focus, has_marks, marked, tokens
from .cues import ASPECT_QUESTIONS, asks_which_papers, aspect_cue, aspect_cues, detect_aspect
from .quantities import parse_age
from .rankers import Bm25Ranker, FuzzRanker, Ranker

MeaningState = Literal["ready", "warming", "words_only"]

KEEP_WORDS = frozenset("bao lau may ngay dau nao gi khong duoc phai co the thoi han gia tri".split())

FACT_THRESHOLD = 0.5
"""A fact answers the question from this normalised score up (and when it beats the best aspect)."""
ASPECT_THRESHOLD = 0.5
SECOND_FACT_GAP = 0.4
SECOND_FACT_MIN = 0.4
"""A second fact is given too when it scores this much and is no further than SECOND_FACT_GAP behind the first: a
story's question often needs two ("đi làm xa, có nhờ người nộp được không, bao lâu có")."""
FULL_MESSAGE_WEIGHT = 0.9
UNCUED_ASPECT_WEIGHT = 0.6
REFERRAL_THRESHOLD = 0.8
FACT_OVER_ASPECT = 0.12
"""A fact this close behind an aspect the card also shows answers instead (the card after it has the aspect)."""
CARD_ASPECTS: dict[str, set[str]] = {"fee": {"cost"}, "time": {"deadline"}, "where": {"where"}}
"""The aspects the card shows, with the fact kinds that answer the same thing; a fact of another card aspect's kind
(a cost when the time is asked) never answers instead."""
ANSWER_WEIGHT = 0.6
DOCUMENTS_OVER_FACT = 0.95
"""A question clearly asking which papers is answered with the card's documents unless a fact scores this much."""
MEANING_MIN_WORDS = 0.4
"""Between candidate procedures, meaning weighs only facts whose words match at least this much ("đăng ký lại" alone
is close to many short fact questions: it is asked about)."""
SEMANTIC_WEIGHT = 10.0
SEMANTIC_BASE = 0.84
"""Closeness in meaning adds SEMANTIC_WEIGHT × (cosine − SEMANTIC_BASE) when above the base (e5 cosines of unrelated
Vietnamese questions sit around 0.75–0.8)."""
AGE_FIT = 0.25
"""Added to a fact about the age the message states (Fact.ages)."""
"""How much of the question's words a fact's answer holds (weighted by rarity) is added with this weight when the
facts of one procedure are ranked: a question worded unlike any of the fact's questions still finds its answer."""
CARD_KINDS = frozenset().union(*CARD_ASPECTS.values())
NOT_A_PLACE = frozenset({"online", "proxy"})
"""Kinds of fact that never answer "where" instead of the card: "làm ở xã hay ở đâu" is not answered by "the bank
may file it online"."""
_MONEY = frozenset({"dong", "phi", "tien", "mien"})
"""Words (folded) of an answer that speaks of money: a message that clearly asks about the fee ("có mất phí không")
is not answered by a fact that speaks of none (that one asks "có phải làm không")."""


CONTRARY_WEIGHT = 0.5
"""A fact about the opposite situation of the message's (the register kept, when the message says it is gone), or
about another civil-status event than the one the message names."""

# Civil-status events, never one another's synonyms: a copy of a marriage certificate answers nothing about a birth
# certificate, though one procedure issues both (folded words).
EVENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "birth": (("khai", "sinh"),),
    "marriage": (("ket", "hon"),),
    "death": (("khai", "tu"), ("chung", "tu"), ("bao", "tu")),
    "adoption": (("con", "nuoi"),),
    "guardianship": (("giam", "ho"),),
}


def events_named(said: Sequence[str]) -> frozenset[str]:
    """The civil-status events a text names (folded words)."""
    pairs = set(zip(said, said[1:], strict=False))
    return frozenset(event for event, names in EVENTS.items() if any(name in pairs for name in names))


@dataclass(frozen=True)
class Situation:
    """What a fact's questions say of the case they are about (read once, when the index is built)."""

    register_kept: bool  # the office's register is still there ("còn sổ ở xã thì …")
    events: frozenset[str]  # the civil-status events named (a fact naming none is about any)


def situation(fact: Fact) -> Situation:
    said = [words(q) for q in fact.questions]
    return Situation(any(register_kept(q) for q in said), frozenset().union(*(events_named(q) for q in said)))


def other_event(about: Situation, named: frozenset[str]) -> bool:
    """The fact names civil-status events, none of them one the message names."""
    return bool(named and about.events and not about.events & named)


def asked_kinds(aspect: str, cued: Sequence[str]) -> set[str]:
    """The fact kinds that answer the card's `aspect`, or another aspect the wording clearly asks too ("ở đâu, có
    thời hạn phải nộp không": the deadline answers beside the place)."""
    return set().union(*(CARD_ASPECTS.get(a, set()) for a in (aspect, *cued)))


def speaks_of_money(fact: Fact) -> bool:
    return fact.kind in (FactKind.COST, FactKind.PENALTY) or not _MONEY.isdisjoint(words(fact.answer))


# ---- the index of a catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What answers the question: a fact of the procedure (with a second one close behind, if any), or an aspect
    of its card."""

    aspect: str | None = None
    fact: Fact | None = None
    score: float = 0.0
    also: Fact | None = None

    @property
    def facts(self) -> list[Fact]:
        return [f for f in (self.fact, self.also) if f is not None]


@dataclass
class QuestionIndex:
    """Every fact question and aspect question of the catalogue, and the referral topics' names, for one ranker."""

    catalogue: Catalogue
    ranker_name: str = "bm25"
    embedder: Embedder | None = None  # closeness in meaning beside the words (procedures_kb.semantic)
    _owners: list[tuple[str, object]] = field(init=False, default_factory=list)  # (kind, key) per text
    _texts: list[str] = field(init=False, default_factory=list)  # the question (or name) of each text
    _embedded: np.ndarray | None = field(init=False, default=None)
    _vectors_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _by_code: dict[str, list[int]] = field(init=False, default_factory=dict)
    _aspects: list[int] = field(init=False, default_factory=list)
    _referrals: list[int] = field(init=False, default_factory=list)
    _names: dict[str, frozenset[str]] = field(init=False, default_factory=dict)
    ranker: Ranker = field(init=False)
    _global: Ranker = field(init=False)  # every fact question with its procedure's words, across the catalogue
    _global_owners: list[tuple[str, int]] = field(init=False, default_factory=list)
    _global_facts: list[Fact] = field(init=False, default_factory=list)
    _global_texts: list[int] = field(init=False, default_factory=list)  # each global question's place in _texts
    _forms: defaultdict[str, set[str]] = field(init=False, default_factory=lambda: defaultdict(set))
    # the marked forms each folded word takes beside another one (("dang", "ky") → "đăng" and "ký", never "dạng")
    _pairs: PairForms = field(init=False, default_factory=dict)
    _answers: dict[tuple[str, int], frozenset[str]] = field(init=False, default_factory=dict)
    _situations: dict[tuple[str, int], Situation] = field(init=False, default_factory=dict)  # read once per fact

    def __post_init__(self) -> None:
        docs: list[list[str]] = []

        def add(doc: list[str], owner: tuple[str, object], text: str) -> int:
            docs.append(doc)
            self._owners.append(owner)
            self._texts.append(text)
            return len(docs) - 1

        for aspect, questions in ASPECT_QUESTIONS.items():
            self._aspects += [add(marked(q), ("aspect", aspect), q) for q in questions]
        for p in self.catalogue.procedures:
            # The procedure's own name words say nothing about WHICH of its facts is asked: left out both here and
            # from the message (see rank), so "giấy xác nhận tình trạng hôn nhân còn giá trị không" is matched on
            # "còn giá trị".
            own = self.name_words(p)
            ids = [
                add([t for t in marked(q) if fold(t) not in own], ("fact", (p.national_code, i)), q)
                for i, f in enumerate(p.facts)
                for q in f.questions
            ]
            if ids:
                self._by_code[p.national_code] = ids
            for i, f in enumerate(p.facts):
                self._answers[(p.national_code, i)] = frozenset(t for t in marked(f.answer) if fold(t) not in own)
                self._situations[(p.national_code, i)] = situation(f)
        for topic in self.catalogue.referrals:
            names = (topic.topic, *topic.aliases)
            self._referrals += [add(marked(name), ("referral", topic.id), name) for name in names]
        self.ranker = Bm25Ranker(docs) if self.ranker_name == "bm25" else FuzzRanker(docs)
        self._global_texts = [i for i, owner in enumerate(self._owners) if owner[0] == "fact"]
        whole: list[list[str]] = []
        for p in self.catalogue.procedures:
            for i, f in enumerate(p.facts):
                for q in f.questions:
                    whole.append(marked(q))
                    self._global_owners.append((p.national_code, i))
                    self._global_facts.append(f)
        for doc in [*docs, *whole]:
            for t in doc:
                self._forms[fold(t)].add(t)
            add_pairs(self._pairs, [(fold(t), t) for t in doc])
        self._global = Bm25Ranker(whole) if self.ranker_name == "bm25" else FuzzRanker(whole)

    def warm(self) -> None:
        """Embed the catalogue's questions now (the first time ~30 s on one core, then read from disk), so that the
        first citizen's message does not wait for it."""
        self._vectors(wait=True)

    @property
    def meaning_state(self) -> MeaningState:
        """How questions are matched: "ready" (words and meaning), "warming" (words, while the catalogue's questions
        are being embedded) or "words_only" (no embedding model)."""
        if self.embedder is None:
            return "words_only"
        return "ready" if self._embedded is not None or not self._texts else "warming"

    def _vectors(self, *, wait: bool) -> np.ndarray | None:
        """The catalogue's embedded questions; without `wait`, None while they are being embedded (a message
        answered meanwhile is matched by its words alone)."""
        if self.embedder is None or not self._texts:
            return None
        if self._embedded is None:
            if not self._vectors_lock.acquire(blocking=wait):
                return None
            try:
                if self._embedded is None:
                    self._embedded = self.embedder.many(self._texts)
            finally:
                self._vectors_lock.release()
        return self._embedded

    def closeness(self, text: str) -> np.ndarray:
        """SEMANTIC_WEIGHT × how much closer in meaning than SEMANTIC_BASE the message is to each text (0 when not
        closer, without an embedder, or while the embedder is busy with another message)."""
        vectors = self._vectors(wait=False)
        asked = self.embedder.one(text, wait=False) if vectors is not None and text.strip() else None  # type: ignore[union-attr]
        if vectors is None or asked is None:
            return np.zeros(len(self._texts), dtype=np.float32)
        cos = vectors @ asked
        return SEMANTIC_WEIGHT * np.maximum(cos - SEMANTIC_BASE, 0.0)

    def query(self, text: str, leave_out: frozenset[str] = frozenset()) -> list[str]:
        """The message's words as the index knows them. Typed with diacritics: each syllable as written ("phát
        hiện" does not match "bị phạt"); typed without: each folded syllable stands for every marked form the facts
        use. Shorthand is expanded; words of `leave_out` (folded) are left out."""
        marks = has_marks(text)
        said: list[str] = []
        for t in marked(text):
            folded = fold(t)
            rep = SHORTHAND.get(folded) if t == folded else None
            said += rep.split() if rep else ([] if rep == "" else [t])
        said_folded = [fold(part) for part in said]
        out: list[str] = []
        for i, (part, f) in enumerate(zip(said, said_folded, strict=True)):
            if f in leave_out:
                continue
            if marks and part != f:
                out.append(part)
            else:
                # an unmarked word reads as its neighbour tells where the index knows the pair ("dang ky" is "đăng ký")
                out.extend(sorted(neighbour_readings(self._pairs, said_folded, i) or self._forms.get(f) or {part}))
        return out

    def name_words(self, procedure: Procedure) -> frozenset[str]:
        cached = self._names.get(procedure.national_code)
        if cached is None:
            words_: set[str] = set()
            for label in (procedure.name, *procedure.aliases):
                words_.update(tokens(label))
            cached = self._names[procedure.national_code] = frozenset(words_) - KEEP_WORDS
        return cached

    def rank(self, procedure: Procedure, text: str, with_answers: bool = True) -> list[tuple[Choice, float]]:
        """Facts of `procedure` and the aspects, best first (each once, with its best question's score). The
        question part of the message counts in full, the whole message a little less (a story's context); an
        aspect the wording does not clearly ask for counts less (short aspect questions match many messages)."""
        ids = self._by_code.get(procedure.national_code, []) + self._aspects
        asked = focus(text)
        # the aspects the wording clearly asks ("hết bao nhiêu tiền, bao lâu có giấy": both), or the one a short
        # question's words give
        cued = set(aspect_cues(asked)) or ({detect_aspect(asked)} if len(tokens(asked)) <= 12 else set())
        best: dict[tuple[str, object], float] = {}
        for i, score in zip(ids, self._word_scores(procedure, text, ids), strict=True):
            owner = self._owners[i]
            if owner[0] == "aspect" and owner[1] not in cued:
                score *= UNCUED_ASPECT_WEIGHT
            best[owner] = max(best.get(owner, 0.0), score)
        if with_answers:
            coverage = self._answer_coverage(self.query(asked, self.name_words(procedure)))
            for owner in best:
                if owner[0] == "fact":
                    best[owner] += ANSWER_WEIGHT * coverage(self._answers[owner[1]])  # type: ignore[index]
        said = words(text)
        gone, named = register_gone(said), events_named(said)
        for owner in best:
            if owner[0] != "fact":
                continue
            about = self._situations[owner[1]]  # type: ignore[index]
            # "xã cũng không còn sổ": not the fact for a register still kept ("còn sổ ở xã thì …"); "bản sao giấy
            # khai sinh": not the fact about a marriage certificate
            if (gone and about.register_kept) or other_event(about, named):
                best[owner] *= CONTRARY_WEIGHT
        age = parse_age(text)
        entries: list[tuple[tuple[str, object], Choice, float]] = []
        for owner, score in best.items():
            kind, key = owner
            if kind == "aspect":
                entries.append((owner, Choice(aspect=str(key), score=score), score))
                continue
            fact = procedure.facts[key[1]]  # type: ignore[index]
            if not fact.fits_age(age):
                continue  # "bố tôi 72 tuổi": not the fact about those from 75
            if age is not None and fact.ages is not None:
                score += AGE_FIT  # the citizen's age is the one the fact is about
            entries.append((owner, Choice(fact=fact, score=score), score))
        entries.sort(key=lambda e: -e[2])
        if sum(choice.fact is not None and score >= FACT_THRESHOLD for _, choice, score in entries) >= 2:
            # The words' score says whether something is asked (the thresholds of choose); among what is, closeness
            # in meaning reorders the facts ("còn dùng được không" and "có giá trị bao lâu" ask the same). The card's
            # short aspect questions are never as close as a fact's: an aspect counts as close as the closest fact,
            # so facts and aspects still compete on their words. (With fewer than two facts asked there is nothing
            # to reorder, and a message's embedding costs ~1 ms a word.)
            close = self.closeness(text)
            meaning: dict[tuple[str, object], float] = {}
            for i in ids:
                owner = self._owners[i]
                near = float(close[i]) * (
                    UNCUED_ASPECT_WEIGHT if owner[0] == "aspect" and owner[1] not in cued else 1.0
                )
                meaning[owner] = max(meaning.get(owner, 0.0), near)
            closest = max((m for (kind, _), m in meaning.items() if kind == "fact"), default=0.0)
            entries.sort(
                key=lambda e: (e[2] < FACT_THRESHOLD, -(e[2] + (closest if e[0][0] == "aspect" else meaning[e[0]])))
            )
        return [(choice, score) for _, choice, score in entries]

    def _word_scores(self, procedure: Procedure, text: str, ids: Sequence[int]) -> list[float]:
        """How well the message's words match each text of `ids`: the question part of the message in full, the whole
        message a little less; the procedure's own name words left out."""
        own = self.name_words(procedure)
        asked = focus(text)
        in_focus = self.ranker.scores(self.query(asked, own), ids)
        in_full = self.ranker.scores(self.query(text, own), ids) if asked != text else in_focus
        return [max(a, FULL_MESSAGE_WEIGHT * b) for a, b in zip(in_focus, in_full, strict=True)]

    def _answer_coverage(self, query: list[str]) -> Callable[[frozenset[str]], float]:
        """How much of the asked words (weighted by their rarity among the answers) an answer holds."""
        n = len(self._answers)
        df = self._answer_df
        weights = {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in set(query)}
        total = sum(weights.values()) or 1.0
        return lambda answer: sum(w for t, w in weights.items() if t in answer) / total

    @cached_property
    def _answer_df(self) -> dict[str, int]:
        df: dict[str, int] = defaultdict(int)
        for answer in self._answers.values():
            for t in answer:
                df[t] += 1
        return df

    def choose(self, procedure: Procedure, text: str) -> Choice | None:
        """The fact or aspect that answers the message about `procedure`; None when nothing is clearly asked. A
        second fact close behind the first is given too (a question often needs both: "quá hạn có bị phạt không"
        is answered by the deadline and by the penalty)."""
        ranked = self.rank(procedure, text)
        if not ranked:
            return None
        top, score = ranked[0]
        if top.fact is not None and not speaks_of_money(top.fact) and aspect_cue(focus(text)) == "fee":
            # "làm căn cước có mất phí không": the fee, or a fact about money, not "có phải làm không"
            money = next(((c, s) for c, s in ranked if c.fact is not None and speaks_of_money(c.fact)), None)
            if money is not None and money[1] >= FACT_THRESHOLD:
                return money[0]
            return Choice(aspect="fee", score=score)
        if top.fact is not None and score < DOCUMENTS_OVER_FACT and asks_which_papers(focus(text)):
            # "phải chuẩn bị những giấy tờ gì?": the list of papers, unless a fact is asked nearly word for word
            return Choice(aspect="documents", fact=top.fact, score=score)
        if top.fact is not None and score >= FACT_THRESHOLD:
            second = next((c for c, _ in ranked[1:] if c.fact is not None), None)
            if second is not None and second.score >= max(SECOND_FACT_MIN, score - SECOND_FACT_GAP):
                return Choice(fact=top.fact, score=score, also=second.fact)
            return top
        if top.aspect is not None and score >= ASPECT_THRESHOLD:
            asked = focus(text)
            cued = aspect_cues(asked)
            # a fact close behind an aspect answers with that aspect's line in the card after it
            fact = next(((c, s) for c, s in ranked[1:] if c.fact is not None), None)
            if (
                fact is not None
                and fact[0].fact is not None
                and top.aspect in CARD_ASPECTS
                and fact[0].fact.kind not in CARD_KINDS - asked_kinds(top.aspect, cued)
                and (top.aspect != "where" or fact[0].fact.kind not in NOT_A_PLACE)
                and (top.aspect != "fee" or speaks_of_money(fact[0].fact))
                and fact[1] >= max(FACT_THRESHOLD, score - FACT_OVER_ASPECT)
            ):
                return fact[0]
            first = detect_aspect(asked)
            if len(cued) > 1 and first in cued and first != top.aspect:
                # "hết bao lâu, mất bao nhiêu tiền": the aspects in the order they are asked (the other one follows)
                return Choice(aspect=first, score=score)
            return top
        return None

    def facts_anywhere(self, text: str, limit: int = 3, *, meaning: bool = False) -> list[tuple[str, float]]:
        """The procedures (national codes) whose fact questions the message matches best, across the catalogue,
        with the score of their best question (the question part of the message counts in full). With `meaning`,
        a question whose words match from MEANING_MIN_WORDS also counts its closeness in meaning (for comparing
        procedures with each other, not against a threshold)."""
        if not self._global_owners:
            return []
        ids = range(len(self._global_owners))
        asked = focus(text)
        a = self._global.scores(self.query(asked), ids)
        b = self._global.scores(self.query(text), ids) if asked != text else a
        close = self.closeness(text) if meaning else None
        best: dict[str, float] = {}
        age = parse_age(text)
        for (code, _), fact, x, y, t in zip(
            self._global_owners, self._global_facts, a, b, self._global_texts, strict=True
        ):
            if fact.fits_age(age):
                score = max(x, FULL_MESSAGE_WEIGHT * y)
                if close is not None and score >= MEANING_MIN_WORDS:
                    score += float(close[t])
                best[code] = max(best.get(code, 0.0), score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]

    def best_fact_score(self, procedure: Procedure, text: str) -> float:
        """How well the procedure's best fact matches the message (0 when it has none)."""
        return max((s for c, s in self.rank(procedure, text, with_answers=False) if c.fact is not None), default=0.0)

    def best_fact_meaning(self, procedure: Procedure, text: str) -> float:
        """How well the procedure's best fact matches the message, in words and, for the facts the words ask, in
        meaning (for comparing procedures with each other, not against a threshold). A fact about another age than
        the one the message states does not count, as in rank."""
        age = parse_age(text)
        ids = [
            i
            for i in self._by_code.get(procedure.national_code, [])
            if procedure.facts[self._owners[i][1][1]].fits_age(age)  # type: ignore[index]
        ]
        if not ids:
            return 0.0
        scores = self._word_scores(procedure, text, ids)
        if max(scores) < MEANING_MIN_WORDS:
            return max(scores)  # no fact the words come near: nothing for the meaning to weigh
        close = self.closeness(text)
        return max(w + (float(close[i]) if w >= MEANING_MIN_WORDS else 0.0) for i, w in zip(ids, scores, strict=True))

    def referral_named(self, text: str) -> ReferralTopic | None:
        """A referral topic one of whose names (two words or more) the message contains word for word."""
        said = " " + " ".join(words(text)) + " "
        for topic in self.catalogue.referrals:
            for name in (topic.topic, *topic.aliases):
                folded = " ".join(words(name))
                if len(folded.split()) >= 2 and f" {folded} " in said:
                    return topic
        return None

    def referral_covered(self, text: str) -> ReferralTopic | None:
        """A referral topic all of whose words (of one name of two words or more) the message holds, in any order.
        (Asking for them close together was measured: it lost more right referrals than wrong ones.)"""
        said = set(words(text))
        asked = self.catalogue.search_index.asked_forms(text)
        for topic, folded, named in self._referral_names:
            if len(folded) >= 2 and folded <= said and all(same_word(w, asked, named) for w in folded):
                return topic
        return None

    def referral_names_said(self, text: str, topic: ReferralTopic) -> list[list[str]]:
        """The names of `topic` (two words or more, folded words in order) all of whose words the message holds."""
        said = set(words(text))
        return [
            words(name)
            for name in (topic.topic, *topic.aliases)
            if len(set(words(name))) >= 2 and set(words(name)) <= said
        ]

    @cached_property
    def _referral_names(self) -> list[tuple[ReferralTopic, frozenset[str], WrittenForms]]:
        return [
            (topic, frozenset(words(name)), written_forms(name))
            for topic in self.catalogue.referrals
            for name in (topic.topic, *topic.aliases)
        ]

    def referral(self, text: str) -> tuple[ReferralTopic, float] | None:
        """The referral topic the message names best, with its score, or None below the threshold."""
        if not self._referrals:
            return None
        # each word once: "việc … việc … việc" in a story does not make up for "Hàn Quốc" missing from a name
        scores = self.ranker.scores(list(dict.fromkeys(self.query(text))), self._referrals)
        best: dict[str, float] = {}
        for i, score in zip(self._referrals, scores, strict=True):
            topic_id = str(self._owners[i][1])
            best[topic_id] = max(best.get(topic_id, 0.0), score)
        topic_id, score = max(best.items(), key=lambda kv: kv[1])
        if score < REFERRAL_THRESHOLD:
            return None
        return next(t for t in self.catalogue.referrals if t.id == topic_id), score


_INDEXES: dict[tuple[int, str], QuestionIndex] = {}
_INDEXES_LOCK = threading.Lock()
DEFAULT_RANKER = "bm25"  # measured against "rapidfuzz" by bench/citizen_eval.py (README, Assistant)


def index_for(catalogue: Catalogue, ranker: str | None = None) -> QuestionIndex:
    """The question index of a catalogue (built once per catalogue object and ranker)."""
    ranker = ranker or DEFAULT_RANKER
    key = (id(catalogue), ranker)
    index = _INDEXES.get(key)
    if index is None or index.catalogue is not catalogue:
        with _INDEXES_LOCK:  # one index per catalogue, also when the start-up warming and a request ask at once
            index = _INDEXES.get(key)
            if index is None or index.catalogue is not catalogue:
                index = _INDEXES[key] = QuestionIndex(catalogue, ranker, default_embedder())
    return index
