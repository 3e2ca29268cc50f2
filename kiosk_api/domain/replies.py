"""The reply about a procedure to a citizen's message: the fact that answers it, or the aspect it asks about.

Shared by the assistant's API (the Rasa actions) and the chat fallback, so both answer alike. Pure: reads the
catalogue and its question index only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from difflib import SequenceMatcher

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import FactKind, Procedure, ReferralTopic
from procedures_kb.text import words
from procedures_kb.workdays import WorkingCalendar

from . import answers, qa, referrals
from .asking import focus
from .buttons import Answer, Aspect
from .cues import detect_aspects
from .resolve import (
    Band,
    Candidate,
    Resolution,
    charges_per_page,
    copy_from_register,
    getting_again,
    named_whole,
    procedures_named_in,
    registering_again,
    resolve,
)

FACT_EVIDENCE = 0.5
"""How much a candidate's best matching fact adds to its search score when the search alone is unsure."""
FACT_LEAD = 0.12
"""The lead the best candidate needs over the next, with its facts counted, to be answered."""
GLOBAL_FACT_MIN = 0.7
GLOBAL_FACT_LEAD = 0.1
WORDS_TIE = 0.03
"""Facts of two procedures whose words match within this are a tie (often one fact given to both): the meaning does
not break it."""
FACT_VERBATIM = 0.95
"""A fact question matched this well is asked nearly word for word: it answers before a referral topic named."""
ONE_CANDIDATE_FACT = 0.9
"""The one plausible procedure is answered when one of its fact questions matches this well."""


@dataclass(frozen=True)
class Reply:
    answer: Answer
    aspect: Aspect
    fact: bool  # the reply is a fact matching the question (not one of the card's aspects)


def reply_about(
    catalogue: Catalogue,
    procedure: Procedure,
    aspect: Aspect | str,
    message: str | None = None,
    *,
    commune: str = "xã",
    pages: int | None = None,
    copies: int | None = None,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Reply:
    """With the citizen's `message`, the fact or aspect that answers it comes first (domain.qa); else `aspect`."""
    choice = qa.index_for(catalogue).choose(procedure, message) if message and message.strip() else None
    aspect = Aspect(choice.aspect if choice is not None and choice.aspect is not None else aspect)
    facts = choice.facts if choice is not None else []
    if pages is not None and facts and facts[0].kind is FactKind.COST and charges_per_page(procedure):
        # "2 trang, 4 bản hết bao nhiêu": the fee reckoned for those pages, not the general rule of counting them
        aspect, facts = Aspect.FEE, []
    asked = detect_aspects(message) if message and not facts else []
    also = next((a for a in asked if a != aspect), None) if aspect in asked else None
    # a fact answers first; only a choice of the papers with a fact (qa.choose) lists the papers before it
    papers_first = choice is not None and choice.aspect == Aspect.DOCUMENTS
    reply = answers.answer(
        procedure,
        aspect if papers_first or not facts else Aspect.OVERVIEW,
        catalogue.province_fees,
        pages=pages,
        copies=copies,
        now=now,
        calendar=calendar,
        offered=catalogue.offers(procedure),
        commune=commune,
        fact=facts,
        also=also,
        related=procedures_named_in(catalogue, " ".join(f.answer for f in facts), procedure) if facts else (),
    )
    return Reply(reply, aspect, bool(facts))


def resolve_message(
    catalogue: Catalogue, text: str, *, current: str | None = None, hint: str | None = None
) -> Resolution:
    """resolve(), then what the names alone cannot settle when no procedure is confident:
    - a lost paper asked for again: the candidate that issues it again, or registers the event again when the office's
      register is gone too; a lost civil-status paper whose register is kept, the copy from the register;
    - a fact question of one procedure asked nearly word for word identifies it (among the candidates, or when the
      names found nothing);
    - else a referral topic the message names ("mở công ty", "làm hộ chiếu"): the referral table answers, with the
      procedure the rest of the message names by itself ("thi bằng lái xe máy và đăng ký chiếc xe mới");
    - a confident procedure in a message saying it asks two things ("hai việc này"): the second thing, from the
      rest of the message without the first's name;
    - names found nothing and two procedures' facts answer alike: both are asked about;
    - between unsure candidates, the one whose fact answers the question (in words and meaning) leads."""
    resolution = resolve(catalogue, text, current=current, hint=hint)
    # what the text alone leaves unsure, before the NLU's hint decides: "giấy xác nhận khuyết tật bị thất lạc, xin
    # cấp lại ở đâu" is the candidate that issues it again, whatever paper name the NLU picked up
    plain = resolve(catalogue, text, current=current) if hint else resolution
    if not plain.from_context and (copy := copy_from_register(catalogue, text)) is not None:
        return Resolution(Band.CONFIDENT, copy, [copy], plain.pages, plain.copies, False, None)
    if plain.band is Band.UNSURE and (
        again := registering_again(text, plain.candidates) or getting_again(catalogue, focus(text), plain.candidates)
    ):
        return Resolution(Band.CONFIDENT, again, [again], plain.pages, plain.copies, False, None)
    index = qa.index_for(catalogue)
    if resolution.band is Band.CONFIDENT:
        named = index.referral_named(text) if resolution.procedure and not resolution.from_context else None
        if named is None:
            if resolution.also is None and resolution.procedure is not None and not resolution.from_context:
                other, topic = _second_thing(catalogue, index, text, resolution.procedure)
                return replace(resolution, also=other, referral=topic)
            return resolution
        procedure = resolution.procedure  # never None here: a referral is looked for only beside a procedure
        if (
            procedure is not None
            and not named_whole(catalogue, text, procedure)
            and ((beside := _named_beside(catalogue, index, text, named)) is None or beside.code != procedure.code)
        ):
            # "mở công ty", "sang tên sổ đỏ" said word for word, the procedure only guessed: the referral answers.
            return replace(resolution, band=Band.LOST, procedure=None, candidates=[], referral=named.id)
        # "làm hộ chiếu và căn cước cho con": both named word for word, both answered (the procedure first).
        return replace(resolution, referral=named.id)
    upgraded = _by_fact_question(catalogue, index, text, resolution)
    if upgraded is not None and upgraded.procedure is not None and upgraded.procedure.score >= FACT_VERBATIM:
        return upgraded
    referral = index.referral(text) if text.strip() else None
    # between candidate procedures, the referral must be named where the question is asked, not in the story
    asked = text if resolution.band is Band.LOST else focus(text)
    covered = index.referral_covered(asked) if referral is not None else None
    if referral is not None and covered is not None and covered.id == referral[0].id:
        if resolution.band is Band.UNSURE and (beside := _named_beside(catalogue, index, text, covered)) is not None:
            # "mất ví có căn cước và bằng lái, làm lại ở đâu": the referral, and the procedure the rest names.
            return Resolution(
                Band.CONFIDENT, beside, [beside], resolution.pages, resolution.copies, referral=covered.id
            )
        # "đăng kiểm" and "ô tô" both said, no procedure sure, no fact question asked nearly word for word: the
        # referral answers.
        return replace(resolution, referral=referral[0].id)
    if upgraded is not None:
        return upgraded
    if covered is not None:
        # Between candidate procedures, a referral answers only when one of its names is said in full: "giấy tờ"
        # and "sinh" alone do not make a question about the birth certificate of the hospital.
        return replace(resolution, referral=covered.id)
    if referral is not None and resolution.band is Band.LOST:
        return replace(resolution, referral=referral[0].id)
    if resolution.band is Band.LOST and not resolution.from_context:
        return _asked_by_facts(catalogue, index, text, resolution)
    return _by_candidate_facts(catalogue, index, text, resolution)


def _named_beside(catalogue: Catalogue, index: qa.QuestionIndex, text: str, topic: ReferralTopic) -> Candidate | None:
    """The procedure the message names besides a referral topic ("thi bằng lái xe máy và đăng ký chiếc xe mới"):
    the message without the topic's name, resolved alone; None when the rest names nothing sure (its one plausible
    candidate is enough when the message says it asks about two things)."""
    rest = _without(text, index.referral_names_said(text, topic))
    return _alone(catalogue, index, rest, lone=asks_two_things(text)) if rest is not None else None


TWO_THINGS = re.compile(
    r"\b(?:(?:hai|2) (?:viec|thu tuc|cai|loai|giay)|cung (?:mot )?luc|lam chung"
    r"|(?:lam|xin|dang ky) luon|tien (?:lam|the)|dong thoi|(?:va|voi) ca)\b"
)
"""The message says it asks about two things ("hai việc này làm ở đâu", "làm cùng lúc được không", "làm luôn")."""


def asks_two_things(text: str) -> bool:
    return TWO_THINGS.search(" ".join(words(text))) is not None


def _second_thing(
    catalogue: Catalogue, index: qa.QuestionIndex, text: str, first: Candidate
) -> tuple[Candidate | None, str | None]:
    """When the message says it asks about two things and names one procedure: the other one, read from the message
    without the first one's name ("nhập khẩu vào nhà chồng và mở tiệm làm tóc, hai việc này …"), as a procedure
    or a referral topic; (None, None) when the rest names nothing sure."""
    procedure = catalogue.get(first.code)
    if procedure is None or not asks_two_things(text):
        return None, None
    rest = _without(text, [words(label) for label in (procedure.name, *procedure.aliases)])
    if rest is None:
        return None, None
    topic = index.referral_named(rest) or index.referral_covered(rest)
    if topic is not None:
        return None, topic.id  # "thẻ căn cước và bằng lái xe": the licence is not a vehicle procedure
    other = _alone(catalogue, index, rest, lone=True)
    return (other, None) if other is not None and other.code != first.code else (None, None)


def _without(text: str, names: Sequence[Sequence[str]]) -> str | None:
    """The message without the longest run of words of one of `names` (folded words) said word for word ("… căn
    cước với bằng lái xe máy" without "bằng lái xe"; the "mất" of "mất bằng lái xe" said elsewhere stays); None when
    no two words of a name are said together."""
    tokens = text.split()
    folded = [" ".join(words(t)) for t in tokens]
    run, start = 0, 0
    for name in names:
        match = SequenceMatcher(None, folded, list(name), autojunk=False).find_longest_match()
        if match.size > run:
            run, start = match.size, match.a
    if run < 2:
        return None
    return " ".join(t for i, t in enumerate(tokens) if not start <= i < start + run)


def _alone(catalogue: Catalogue, index: qa.QuestionIndex, rest: str, *, lone: bool = False) -> Candidate | None:
    """The procedure a part of the message names by itself, or None. With `lone`, the one plausible candidate is
    enough (the message says it names a second thing there)."""
    alone = resolve(catalogue, rest)
    if lone and alone.band is Band.UNSURE and len(alone.candidates) == 1:
        return alone.candidates[0]
    if alone.band is Band.UNSURE:
        # the lost paper may be told in the story, not where the question is asked
        again = getting_again(catalogue, rest, alone.candidates)
        alone = Resolution(Band.CONFIDENT, again) if again else _by_candidate_facts(catalogue, index, rest, alone)
    return alone.procedure if alone.band is Band.CONFIDENT else None


def _asked_by_facts(catalogue: Catalogue, index: qa.QuestionIndex, text: str, resolution: Resolution) -> Resolution:
    """The names found nothing and no fact question leads: the procedures whose facts answer the question alike
    (from GLOBAL_FACT_MIN, within GLOBAL_FACT_LEAD of the best) are asked about, rather than "not found"."""
    found = index.facts_anywhere(text, limit=3)
    if not found or found[0][1] < GLOBAL_FACT_MIN:
        return resolution
    alike = [(catalogue.get(code), s) for code, s in found if s >= found[0][1] - GLOBAL_FACT_LEAD]
    asked = [Candidate(p.code, p.name, round(s, 4), 0.0, 0.0) for p, s in alike if p is not None]
    return Resolution(Band.UNSURE, None, asked, resolution.pages, resolution.copies) if len(asked) >= 2 else resolution


def _by_fact_question(
    catalogue: Catalogue, index: qa.QuestionIndex, text: str, resolution: Resolution
) -> Resolution | None:
    if resolution.from_context:
        return None
    found = index.facts_anywhere(text, limit=2)
    codes = {".".join(c.code.split(".")[:2]) for c in resolution.candidates}
    if not found or found[0][1] < GLOBAL_FACT_MIN:
        return None
    # among unsure candidates, another procedure's fact question asked nearly word for word still answers
    outside = resolution.band is not Band.LOST and found[0][0] not in codes
    if outside and (resolution.band is not Band.UNSURE or found[0][1] < FACT_VERBATIM):
        return None
    lead = found[0][1] - (found[1][1] if len(found) > 1 else 0.0)
    if lead < GLOBAL_FACT_LEAD:
        # the words' lead is short: the meaning may still lead clearly to the same procedure, not a near tie
        weighed = index.facts_anywhere(text, limit=2, meaning=True)
        meant = weighed[0][1] - (weighed[1][1] if len(weighed) > 1 else 0.0)
        if lead < WORDS_TIE or weighed[0][0] != found[0][0] or meant < GLOBAL_FACT_LEAD:
            return None
    procedure = catalogue.get(found[0][0])
    if procedure is None:
        return None
    chosen = Candidate(procedure.code, procedure.name, round(found[0][1], 4), 1.0, 1.0)
    return Resolution(Band.CONFIDENT, chosen, [chosen], resolution.pages, resolution.copies)


def _by_candidate_facts(catalogue: Catalogue, index: qa.QuestionIndex, text: str, resolution: Resolution) -> Resolution:
    if resolution.band is not Band.UNSURE:
        return resolution
    if len(resolution.candidates) == 1:
        # The one plausible procedure, and a question of its own facts asked (nearly) in those words: no need to ask.
        only = resolution.candidates[0]
        procedure = catalogue.get(only.code)
        if procedure is not None and index.best_fact_score(procedure, text) >= ONE_CANDIDATE_FACT:
            return Resolution(Band.CONFIDENT, only, [only], resolution.pages, resolution.copies, False, None)
        return resolution
    scored = []
    for c in resolution.candidates:
        procedure = catalogue.get(c.code)
        fact = index.best_fact_meaning(procedure, text) if procedure is not None else 0.0
        scored.append((c.score + FACT_EVIDENCE * fact, c))
    scored.sort(key=lambda sc: -sc[0])
    if scored[0][0] - scored[1][0] >= FACT_LEAD:
        best = scored[0][1]
        return Resolution(Band.CONFIDENT, best, [best], resolution.pages, resolution.copies, False, None)
    return resolution


def referral_reply(catalogue: Catalogue, resolution: Resolution) -> Answer | None:
    """What the commune does not do, when resolve_message found the message is about it; else None."""
    topic = next((t for t in catalogue.referrals if t.id == resolution.referral), None)
    return Answer(referrals.referral_topic_text(topic)) if topic is not None else None
