"""Which procedure a citizen's message is about, how sure we are, and the numbers in it (pure functions).

The catalogue's search ranks procedures with a score in 0..1. On its own that score cannot tell a question
that names a procedure from a generic one ("cần giấy tờ gì", "mất bao lâu?", "chào bạn" all score around
0.5 against some name), so a hit also needs *evidence*: the share of the specific words of one of the
procedure's names or aliases that the message contains (question words such as "đăng ký", "giấy tờ",
"bao nhiêu" do not count).

Bands:

- confident: the first hit has evidence, a score of at least ``confident_score`` and a lead of at least
  ``confident_margin`` over the best other hit that has evidence too; or, when the message names a page
  count ("10 trang"), the only unsure candidate whose fee is counted per page;
- unsure: otherwise, when some hits are plausible (evidence and a score of at least ``plausible_score``):
  the best 2–4 of them within ``candidate_window`` of the best are offered as candidates;
- lost: nothing plausible.

The thresholds were measured on the labelled questions of tests/support/search_eval.py (own questions plus the
dev-chat questions that name a procedure): see tests/kiosk_api/assistant/test_assistant_resolve.py, which
recomputes the numbers.

Follow-ups: with a ``current`` procedure (the one the conversation is about) and a message that names no
procedure confidently ("thế còn lệ phí?"), the answer is confident on ``current`` (``from_context``), unless
a plausible other procedure explains more of the message's specific words than ``current`` does ("thế còn
đăng ký lại khai sinh" while talking about khai sinh): then the candidates are offered. A message that
confidently names another procedure switches to it. A ``hint`` (a procedure code the NLU extracted) wins
when it is among the plausible hits or when the text gives no confident answer of its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import Procedure
from procedures_kb.search import paper_lost, register_gone
from procedures_kb.text import WrittenForms, same_word, words

from .quantities import fits_age, parse_age, parse_quantities


class Band(StrEnum):
    CONFIDENT = "confident"
    UNSURE = "unsure"
    LOST = "lost"


@dataclass(frozen=True)
class Thresholds:
    confident_score: float = 0.50
    confident_margin: float = 0.05
    min_evidence: float = 0.5
    plausible_score: float = 0.35
    candidate_window: float = 0.15
    max_candidates: int = 4


DEFAULT_THRESHOLDS = Thresholds()
SEARCH_LIMIT = 6

# Folded words that never identify a procedure on their own: question words, politeness, and words of
# every procedure ("đăng ký", "giấy tờ", "cấp", "hồ sơ"). Folding merges some words ("bạn"/"bản",
# "mất"/"mật", "còn"/"con", "thế"/"thẻ"); they are listed when the generic reading is the common one.
GENERIC_WORDS = frozenset(
    """
    cho toi hoi xin chao minh em anh chi bac can nhung gi gio nao nhu bao nhieu lau tien phi le ngay o dau
    nop mang theo duoc khong phai thi la va voi cua muon giup thu tuc cac mot hay roi chua nay ton co
    dang ky lam giay to cap ban ho so mat the con a nhe xa ra den ve vay
    """.split()
)
# Question phrases removed from a message before looking for evidence ("sao" alone is "bản sao").
GENERIC_PHRASES = (("thi", "sao"), ("lam", "sao"), ("tai", "sao"), ("vi", "sao"), ("sao", "vay"), ("the", "nao"))


EXPLAINED_DOUBT = 0.1
"""How much more of the message a fully named rival must explain to make a confident top candidate unsure."""


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    score: float
    evidence: float = 0.0  # see evidence()
    explained: float = 0.0  # see explained()
    per_page: bool = False  # its fee depends on the number of pages


@dataclass(frozen=True)
class Resolution:
    band: Band
    procedure: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    pages: int | None = None
    copies: int | None = None
    from_context: bool = False
    also: Candidate | None = None  # a second procedure the message names whole ("khai sinh và thường trú")
    referral: str | None = None  # the referral topic (id) that answers instead: something the commune does not do


# ---- evidence -----------------------------------------------------------------------------------


def question_words(tokens: Sequence[str]) -> list[str]:
    """The message's tokens without the question phrases of GENERIC_PHRASES."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tuple(tokens[i : i + 2]) in GENERIC_PHRASES:
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out


LONE_WORD_EVIDENCE = 0.5
"""A name of several words with one specific word only ("vay tiền sửa nhà" is "sửa" once folding and the particles
are gone) gives this share when the word is said away from its neighbours in the name ("sai số thửa, sửa thế nào")."""


def evidence(query_tokens: Iterable[str], name_tokens: Iterable[Sequence[str]]) -> float:
    """The best share, over a procedure's names, of a name's specific words found in the question (0..1)."""
    said = list(query_tokens)
    query = set(said)
    pairs = set(zip(said, said[1:], strict=False))
    best = 0.0
    for tokens in name_tokens:
        specific = set(tokens) - GENERIC_WORDS
        if not specific:
            continue
        share = len(specific & query) / len(specific)
        lone = share > 0 and len(specific) == 1 and len(tokens) >= 2
        if lone and pairs.isdisjoint(zip(tokens, tokens[1:], strict=False)):
            share *= LONE_WORD_EVIDENCE
        best = max(best, share)
    return best


def explained(query_tokens: Iterable[str], name_tokens: Iterable[Sequence[str]]) -> float:
    """The share of the question's specific words found in any of a procedure's names (0..1)."""
    specific = set(query_tokens) - GENERIC_WORDS
    if not specific:
        return 0.0
    known = {t for tokens in name_tokens for t in tokens}
    return len(specific & known) / len(specific)


# ---- bands --------------------------------------------------------------------------------------


def is_plausible(hit: Candidate, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    return hit.evidence >= thresholds.min_evidence and hit.score >= thresholds.plausible_score


def classify(hits: Sequence[Candidate], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Band, list[Candidate]]:
    """The band of a ranked hit list, with the chosen procedure (confident) or the candidates (unsure).

    The lead is measured against the best rival that has evidence too: a rival whose names the message
    does not really mention is no reason for doubt.
    """
    t = thresholds
    if not hits:
        return Band.LOST, []
    top = hits[0]
    rival = next((h.score for h in hits[1:] if h.evidence >= t.min_evidence), 0.0)
    # A close rival all of whose words are said, and which accounts for more of the message, is a reason for doubt
    # ("bé sinh ở Hàn Quốc … làm khai sinh": the foreign-element variant, not the plain one).
    fuller = any(
        h.evidence >= 1.0
        and h.explained > top.explained + EXPLAINED_DOUBT
        and top.score - h.score <= t.candidate_window
        for h in hits[1:]
    )
    if (
        top.evidence >= t.min_evidence
        and top.score >= t.confident_score
        and top.score - rival >= t.confident_margin
        and not fuller
    ):
        return Band.CONFIDENT, [top]
    plausible = [h for h in hits if is_plausible(h, t)]
    if not plausible:
        return Band.LOST, []
    best = plausible[0].score
    return Band.UNSURE, [h for h in plausible if h.score >= best - t.candidate_window][: t.max_candidates]


def decide(
    hits: Sequence[Candidate],
    *,
    current: Candidate | None = None,
    hint: Candidate | None = None,
    pages: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[Band, Candidate | None, list[Candidate], bool]:
    """Combine the text's band with the NLU hint and the conversation's current procedure.

    Returns (band, procedure, candidates, from_context). `current` and `hint` carry their own evidence
    and explained share when they are among `hits` (zero otherwise).
    """
    band, chosen = classify(hits, thresholds)
    plausible = [h for h in hits if is_plausible(h, thresholds)]
    # the NLU's procedure entity is noisy ("đổi tên" read as a change of civil status): it decides only when the
    # text names nothing, or between the procedures the text leaves unsure
    if hint is not None and (
        band is Band.LOST or (band is Band.UNSURE and any(h.code == hint.code for h in plausible))
    ):
        return Band.CONFIDENT, hint, [hint], False
    if band is Band.CONFIDENT:
        return band, chosen[0], chosen, False
    if pages is not None and band is Band.UNSURE:
        # "10 trang": of the candidates, only a procedure charging per page fits the question.
        per_page = [h for h in chosen if h.per_page]
        if len(per_page) == 1:
            return Band.CONFIDENT, per_page[0], per_page, False
    if current is not None:
        # A follow-up stays on the current procedure unless the message names another one better.
        others = [h for h in plausible if h.code != current.code]
        if not others or max(h.explained for h in others) <= current.explained:
            return Band.CONFIDENT, current, [current], True
    if band is Band.UNSURE:
        return band, None, chosen, False
    return Band.LOST, None, [], False


# ---- the whole resolution -----------------------------------------------------------------------


def _tokenizer(catalogue: Catalogue) -> Callable[[str], list[str]]:
    """The search's own query normalisation (shorthand, typo correction) when available, else folded words."""
    normalise = getattr(catalogue.search_index, "normalise_query", None)
    return normalise if callable(normalise) else words


def charges_per_page(procedure: Procedure) -> bool:
    return any(ch.fee.kind == "per_page_tiered" or getattr(ch.fee, "per", None) == "page" for ch in procedure.channels)


def candidate(
    procedure: Procedure, score: float = 0.0, evidence_share: float = 0.0, explained_share: float = 0.0
) -> Candidate:
    return Candidate(
        procedure.code,
        procedure.name,
        round(score, 4),
        round(evidence_share, 4),
        round(explained_share, 4),
        charges_per_page(procedure),
    )


def _measured(
    catalogue: Catalogue, procedure: Procedure, score: float, query_tokens: list[str], tokenize, asked: WrittenForms
) -> Candidate:
    names = [tokenize(label) for label in (procedure.name, *procedure.aliases)]
    named = catalogue.search_index.name_forms(procedure.code)
    # "từ năm 2008" is no evidence for "khai tử": a word typed with diacritics counts only in the name's own form.
    own = [t for t in query_tokens if same_word(t, asked, named)]
    return candidate(procedure, score, evidence(own, names), explained(own, names))


def rank(catalogue: Catalogue, text: str, limit: int = SEARCH_LIMIT) -> list[Candidate]:
    """Search hits for `text`, best first, with their evidence and explained share."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return []
    tokenize = _tokenizer(catalogue)
    query_tokens = question_words(tokenize(text))
    asked = catalogue.search_index.asked_forms(text)
    return [
        _measured(catalogue, h.procedure, h.score, query_tokens, tokenize, asked)
        for h in catalogue.search(text, limit=limit)
    ]


def resolve(
    catalogue: Catalogue,
    text: str,
    *,
    current: str | None = None,
    hint: str | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Resolution:
    """Resolve a message to a procedure (see the module docstring). Unknown `current`/`hint` codes are ignored."""
    text = unicodedata.normalize("NFC", text or "").strip()
    # "bé nhà tôi 3 tuổi … làm căn cước": not the card of those from 14
    age = parse_age(text)
    hits = [h for h in rank(catalogue, text) if fits_age(h.name, age)]
    by_code = {h.code: h for h in hits}
    tokenize = _tokenizer(catalogue)
    query_tokens = question_words(tokenize(text)) if text else []
    asked = catalogue.search_index.asked_forms(text)

    def known(code: str | None) -> Candidate | None:
        procedure = catalogue.get(code) if code and code.strip() else None
        if procedure is None:
            return None
        return by_code.get(procedure.code) or _measured(catalogue, procedure, 0.0, query_tokens, tokenize, asked)

    pages, copies = parse_quantities(text)
    band, chosen, candidates, from_context = decide(
        hits, current=known(current), hint=known(hint), pages=pages, thresholds=thresholds
    )
    if pages is not None and band is not Band.CONFIDENT:
        # "sổ đỏ 4 trang, chứng thực 3 bộ": the paper's name draws the search, the page count says a copy is meant
        counted = per_page_named(catalogue, query_tokens, tokenize, asked, thresholds)
        if counted is not None:
            band, chosen, candidates = Band.CONFIDENT, counted, [counted]
    also = None
    if band is Band.CONFIDENT and chosen is not None and not from_context:
        also = second_named(catalogue, text, chosen, hits, thresholds)
    elif band is Band.UNSURE and len(candidates) >= 2 and named_whole(catalogue, text, candidates[0]):
        # "khai tử cho bố và xóa thường trú": two procedures named whole, close in score: both are meant.
        second = second_named(catalogue, text, candidates[0], hits, thresholds)
        if second is not None:
            band, chosen, candidates, also = Band.CONFIDENT, candidates[0], [candidates[0]], second
    return Resolution(band, chosen, candidates, pages, copies, from_context, also)


def per_page_named(
    catalogue: Catalogue, query_tokens: list[str], tokenize, asked: WrittenForms, thresholds: Thresholds
) -> Candidate | None:
    """The procedure charging per page whose names the message mentions best (with evidence, and ahead of the other
    such procedures), or None."""
    per_page = (p for p in catalogue.procedures if charges_per_page(p))
    measured = sorted(
        (_measured(catalogue, p, 0.0, query_tokens, tokenize, asked) for p in per_page), key=lambda c: -c.evidence
    )
    if not measured or measured[0].evidence < thresholds.min_evidence:
        return None
    if len(measured) > 1 and measured[1].evidence >= measured[0].evidence:
        return None
    return measured[0]


AGAIN = ("cap", "lai")
AGAIN_EVIDENCE = 1.0
"""The paper asked for again must be the candidate's own: every specific word of one of its names is in the message
("giấy chứng sinh bị thất lạc" is not "giấy chứng nhận căn cước bị thất lạc")."""


def getting_again(catalogue: Catalogue, asked: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """When the question asks for a paper again (said, or a lost or spoilt paper read so: "thất lạc", "bị nát"),
    the one candidate whose name is getting it again ("Cấp lại …", "Đổi, cấp lại …"); else None."""
    if not _contains(catalogue.search_index.normalise_query(asked), AGAIN):
        return None
    again = [c for c in candidates if _contains(words(c.name), AGAIN) and c.evidence >= AGAIN_EVIDENCE]
    return again[0] if len(again) == 1 else None


REGISTERED_AGAIN = ("dang", "ky", "lai")


def registering_again(text: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """When the message says the office's register is gone too ("sổ hộ tịch năm đó không còn"), the one candidate
    registering the event again ("Đăng ký lại …") whose every specific word is said; else None."""
    if not register_gone(words(text)):
        return None
    again = [c for c in candidates if _contains(words(c.name), REGISTERED_AGAIN) and c.evidence >= AGAIN_EVIDENCE]
    return again[0] if len(again) == 1 else None


COPY_FROM_REGISTER = (("ban", "sao"), ("trich", "luc"))
"""The words of the procedure issuing copies from the civil-status register (Cấp bản sao Trích lục hộ tịch)."""
COPY_WITHIN = 3


def copy_from_register(catalogue: Catalogue, text: str) -> Candidate | None:
    """A civil-status paper lost or spoilt ("mất giấy chứng tử", "giấy kết hôn bị rách") while the register is not said
    to be gone: the copy from the register, not the re-registration (only for a register that is gone too) nor the
    first registration. It must be among the first COPY_WITHIN hits beside one of those, each naming the paper."""
    said = words(text)
    if not paper_lost(said) or register_gone(said):
        return None
    hits = [h for h in rank(catalogue, text)[:COPY_WITHIN] if h.evidence >= AGAIN_EVIDENCE]
    copy = next((h for h in hits if all(_contains(words(h.name), w) for w in COPY_FROM_REGISTER)), None)
    registering = [h for h in hits if h is not copy and words(h.name)[:2] == ["dang", "ky"]]
    return copy if copy is not None and registering else None


def named_whole(catalogue: Catalogue, text: str, candidate: Candidate) -> bool:
    """The message contains one of the candidate's names or aliases (two words or more) word for word."""
    index = catalogue.search_index
    said = index.normalise_query(text, phrase=True)
    procedure = catalogue.get(candidate.code)
    labels = [procedure.name, *procedure.aliases] if procedure is not None else [candidate.name]
    return any(
        len(own) >= 2 and _contains(said, own) for own in (index.normalise_query(x, phrase=True) for x in labels)
    )


# A procedure named inside an answer ("… thì làm đăng ký thường trú cho con") is something to do when its name starts
# with what is done; a paper or a status named in passing ("giấy chứng nhận kết hôn", "hộ cận nghèo") is not.
ACTION_WORDS = frozenset(
    (
        "dang ky",
        "xoa",
        "cap",
        "doi",
        "chung thuc",
        "ghi chu",
        "xac nhan",
        "thay doi",
        "tach",
        "khai bao",
        "gia han",
        "dinh chinh",
        "chuyen",
        "lam",
        "xin",
        "phan chia",
        "ho tro",
        "thuc hien",
        "giai quyet",
        "cai chinh",
    )
)
MENTION_MIN_WORDS = 3


def procedures_named_in(catalogue: Catalogue, text: str, but: Procedure | None = None) -> list[Procedure]:
    """The procedures whose name or alias (three words or more, starting with what is done) `text` contains word
    for word, in the order they come; `but` left out. For the answer of a fact that sends the citizen on to another
    procedure: the reply offers it."""
    said = words(text)
    labels = _action_labels(catalogue)
    found: dict[str, tuple[int, Procedure]] = {}
    for at in range(len(said) - 1):
        for procedure, label in labels.get((said[at], said[at + 1]), ()):
            other = but is None or procedure.code != but.code
            if other and procedure.code not in found and tuple(said[at : at + len(label)]) == label:
                found[procedure.code] = (at, procedure)
    return [p for _, p in sorted(found.values(), key=lambda ap: ap[0])]


_LABELS: dict[int, tuple[Catalogue, dict[tuple[str, str], list[tuple[Procedure, tuple[str, ...]]]]]] = {}


def _action_labels(catalogue: Catalogue) -> dict[tuple[str, str], list[tuple[Procedure, tuple[str, ...]]]]:
    """The names and aliases that can be mentioned as something to do, by their first two words."""
    cached = _LABELS.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        labels: dict[tuple[str, str], list[tuple[Procedure, tuple[str, ...]]]] = {}
        for procedure in catalogue.procedures:
            for label in {tuple(words(x)) for x in (procedure.name, *procedure.aliases)}:
                starts = {" ".join(label[:1]), " ".join(label[:2])}
                if len(label) >= MENTION_MIN_WORDS and starts & ACTION_WORDS:
                    labels.setdefault((label[0], label[1]), []).append((procedure, label))
        cached = _LABELS[id(catalogue)] = (catalogue, labels)
    return cached[1]


def _contains(seq: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(list(seq[i : i + n]) == list(part) for i in range(len(seq) - n + 1))


def second_named(
    catalogue: Catalogue, text: str, first: Candidate, hits: Sequence[Candidate], thresholds: Thresholds
) -> Candidate | None:
    """Another procedure whose name or alias the message contains whole, apart from the first one's ("làm khai
    sinh và đăng ký thường trú cho con"): both are answered."""
    index = catalogue.search_index
    said = index.normalise_query(text, phrase=True)
    matched = {h.procedure.code: h.matched for h in catalogue.search(text, limit=SEARCH_LIMIT)}
    first_tokens = index.normalise_query(matched.get(first.code, first.name), phrase=True)
    for hit in hits:
        if hit.code == first.code or not is_plausible(hit, thresholds) or hit.code not in matched:
            continue
        own = index.normalise_query(matched[hit.code], phrase=True)
        if len(own) >= 2 and _contains(said, own) and not set(own) <= set(first_tokens):
            # its words stand apart from the first procedure's in the message
            rest = [t for t in said if t not in set(first_tokens)]
            if _contains(rest, own):
                return hit
    return None
