"""Labelled search questions and the top-k accuracy measure (shared by tests and bench)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.support.constants import FIXTURES, SHARED

SHARED_EVAL = SHARED / "eval" / "dev_chat.yml"


@dataclass(frozen=True)
class Labelled:
    id: str
    question: str
    code: str
    heldout: bool = False  # kept out of tuning: never used to choose aliases or search weights


def question_files() -> list[Path]:
    """search_questions.yaml and one search_questions_<field>.yaml per catalogue field written later."""
    return sorted(FIXTURES.glob("search_questions*.yaml"))


def own_questions(*, heldout: bool | None = None) -> list[Labelled]:
    """Our labelled questions from every question file; heldout=True/False selects the held-out part or the
    rest, None gives all."""
    out = []
    for path in question_files():
        stem = path.stem.removeprefix("search_questions").lstrip("_") or "core"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for i, item in enumerate(data, 1):
            q = item["q"]
            if item.get("nfd"):
                q = unicodedata.normalize("NFD", q)
            out.append(Labelled(f"{stem}-{i}", q, str(item["code"]), bool(item.get("heldout", False))))
    if heldout is None:
        return out
    return [item for item in out if item.heldout == heldout]


def dev_chat_questions() -> list[Labelled]:
    """The questions of ../shared/eval/dev_chat.yml that name a procedure, with our labels."""
    labels = yaml.safe_load((FIXTURES / "dev_chat_labels.yaml").read_text(encoding="utf-8"))
    cases = yaml.safe_load(SHARED_EVAL.read_text(encoding="utf-8"))["cases"]
    by_id = {c["id"]: c["text"] for c in cases}
    return [Labelled(cid, by_id[cid], str(code)) for cid, code in labels.items()]


@dataclass(frozen=True)
class Accuracy:
    n: int
    top1: float
    top3: float
    misses: list[tuple[Labelled, list[str]]]

    def line(self, name: str) -> str:
        return f"{name}: n={self.n} top-1={self.top1:.1%} top-3={self.top3:.1%}"


def measure(catalogue, questions: list[Labelled]) -> Accuracy:
    top1 = top3 = 0
    misses = []
    for item in questions:
        ranked = [h.procedure.code for h in catalogue.search(item.question, limit=3)]
        top1 += bool(ranked) and ranked[0] == item.code
        top3 += item.code in ranked
        if not ranked or ranked[0] != item.code:
            misses.append((item, ranked))
    n = len(questions)
    return Accuracy(n, top1 / n, top3 / n, misses)
