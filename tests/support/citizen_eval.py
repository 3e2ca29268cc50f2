"""The team's own evaluation set (tests/eval/citizen_questions_*.yaml) and how an answer is scored.

Each question is modelled on what citizens ask in public places (written in our words) and lists the facts a right
answer must contain, not its wording. An answer is right when every `must_contain` item (a string or a list of
alternatives) appears in the reply, accent- and case-insensitively, and no button of the reply points at another
procedure than the expected one. Shared by tests/bot/test_bot.py::test_citizen_evaluation_set (through POST /api/chat
against the real model) and bench/citizen_eval.py (the same scoring on kiosk_api's own answering, without Rasa).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from procedures_kb.text import fold
from tests.support.constants import EVAL_DIR

CATEGORIES = ("classic", "moved_2025", "messy")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    category: str
    type: str
    code: str | None
    referral: str | None
    must_contain: tuple[tuple[str, ...], ...]
    heldout: bool


def load_questions(*, heldout: bool | None = None, directory: Path = EVAL_DIR) -> list[Question]:
    out = []
    for path in sorted(directory.glob("citizen_questions_*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            groups = tuple(tuple(g) if isinstance(g, list) else (str(g),) for g in item.get("must_contain") or [])
            out.append(
                Question(
                    id=str(item["id"]),
                    text=str(item["text"]),
                    category=str(item["category"]),
                    type=str(item["type"]),
                    code=str(item["code"]) if item.get("code") else None,
                    referral=item.get("referral"),
                    must_contain=groups,
                    heldout=bool(item.get("heldout", False)),
                )
            )
    if heldout is None:
        return out
    return [q for q in out if q.heldout == heldout]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[0-9a-z]+", fold(text).replace(".", "")))


_CODE = re.compile(r'"procedure_code"\s*:\s*"([0-9.A-Za-z]+)"')


def procedure_codes(buttons: Iterable[str]) -> set[str]:
    """National codes the reply's buttons point at."""
    codes = set()
    for payload in buttons:
        for code in _CODE.findall(payload):
            codes.add(".".join(code.split(".")[:2]))
    return codes


@dataclass(frozen=True)
class Outcome:
    question: Question
    text: str
    right: bool
    missing: tuple[str, ...]
    wrong_procedure: bool  # the reply answers (buttons of) another procedure than the expected one
    offered: bool = False  # the reply asks which procedure is meant, the expected one among the choices
    codes: frozenset[str] = frozenset()  # procedures the reply's buttons point at


# How the assistant asks which procedure is meant (the bot's and the fallback's wording).
_ASKS_WHICH = ("co phai ong ba hoi ve", "ong ba muon hoi thu tuc nao")


def score(question: Question, text: str, buttons: Iterable[str]) -> Outcome:
    got = _norm(text)
    missing = tuple(" | ".join(g) for g in question.must_contain if not any(_norm(alt) in got for alt in g))
    codes = procedure_codes(buttons)
    wrong = bool(question.code and codes and question.code not in codes and len(codes) == 1)
    offered = bool(question.code in codes and any(a in got for a in _ASKS_WHICH))
    return Outcome(
        question, text, not missing and not wrong, missing, wrong, offered and bool(missing), frozenset(codes)
    )


def failure_mode(outcome: Outcome) -> str:
    """What kind of failure a wrong answer is (counted for the held-out part, whose texts stay unseen)."""
    got = _norm(outcome.text)
    if outcome.wrong_procedure:
        return "another procedure"
    if any(a in got for a in _ASKS_WHICH):
        return "asked, expected one offered" if outcome.offered else "asked, expected one not offered"
    if outcome.question.code and outcome.question.code in outcome.codes:
        return "right procedure, facts missing"
    if outcome.codes:
        return "several procedures, facts missing"
    return "no procedure named, facts missing"


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    actions: Counter[str] = field(default_factory=Counter)  # rows created in a citizen's name by the questions

    def share(self, pick: Callable[[Outcome], bool] = lambda o: True) -> tuple[int, int]:
        chosen = [o for o in self.outcomes if pick(o)]
        return sum(o.right for o in chosen), len(chosen)

    def lines(self) -> list[str]:
        def pct(pick: Callable[[Outcome], bool]) -> str:
            right, n = self.share(pick)
            return f"{right}/{n} = {right / n:.1%}" if n else "0/0"

        out = [f"overall: {pct(lambda o: True)}"]
        for part, pick in (("tuning", lambda o: not o.question.heldout), ("held-out", lambda o: o.question.heldout)):
            out.append(f"{part}: {pct(pick)}")
        for cat in CATEGORIES:
            out.append(f"category {cat}: {pct(lambda o, c=cat: o.question.category == c)}")
        types: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            types[o.question.type].append(o)
        for t in sorted(types):
            out.append(f"type {t}: {pct(lambda o, t=t: o.question.type == t)}")
        wrong = sum(o.wrong_procedure for o in self.outcomes)
        out.append(f"answers about another procedure: {wrong}")
        offered = sum(o.offered for o in self.outcomes)
        out.append(f"asked which procedure, the expected one among the choices: {offered}")
        for part, heldout in (("tuning", False), ("held-out", True)):
            modes = Counter(failure_mode(o) for o in self.outcomes if not o.right and o.question.heldout == heldout)
            out.append(f"how {part} questions failed: " + json.dumps(dict(modes.most_common()), ensure_ascii=False))
        out.append("rows created by the questions: " + json.dumps(dict(self.actions) or {}))
        return out

    def category_share(self, category: str) -> float:
        right, n = self.share(lambda o: o.question.category == category)
        return right / n if n else 1.0

    @property
    def overall(self) -> float:
        right, n = self.share()
        return right / n if n else 1.0
