"""A reply and its buttons (pure): the aspects of a procedure a citizen asks about, each with its button title and
the Rasa intent its button triggers; the Answer (text and buttons); the button payload
('/ask_fee{"procedure_code":"1.001193"}') and its parsing; the buttons for a procedure and for its other aspects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from procedures_kb.schema import Procedure

from .answer_text import short_name


class Aspect(StrEnum):
    OVERVIEW = "overview"
    DOCUMENTS = "documents"
    FEE = "fee"
    TIME = "time"
    WHERE = "where"
    CONDITIONS = "conditions"
    LEGAL = "legal"

    @property
    def label(self) -> str:  # not `title`: str.title() is a method
        return ASPECT_TITLES[self]

    @property
    def intent(self) -> str:
        return ASPECT_INTENTS[self]


ASPECT_TITLES: dict[Aspect, str] = {
    Aspect.OVERVIEW: "Tổng quan",
    Aspect.DOCUMENTS: "Giấy tờ cần nộp",
    Aspect.FEE: "Lệ phí",
    Aspect.TIME: "Thời hạn",
    Aspect.WHERE: "Nơi nộp",
    Aspect.CONDITIONS: "Điều kiện",
    Aspect.LEGAL: "Căn cứ pháp lý",
}
# Rasa intents the buttons trigger (payload "/<intent>{"procedure_code":"…"}").
ASPECT_INTENTS: dict[Aspect, str] = {
    Aspect.OVERVIEW: "ask_procedure",
    Aspect.DOCUMENTS: "ask_documents",
    Aspect.FEE: "ask_fee",
    Aspect.TIME: "ask_time",
    Aspect.WHERE: "ask_where",
    Aspect.CONDITIONS: "ask_conditions",
    Aspect.LEGAL: "ask_legal",
}
BUTTON_ORDER = (
    Aspect.DOCUMENTS,
    Aspect.FEE,
    Aspect.TIME,
    Aspect.WHERE,
    Aspect.CONDITIONS,
    Aspect.LEGAL,
    Aspect.OVERVIEW,
)
MAX_BUTTONS = 5
MAX_RELATED = 2


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Answer:
    text: str
    buttons: list[Button] = field(default_factory=list)


def payload(intent: str, entities: Mapping[str, str] | None = None) -> str:
    """A Rasa button payload: '/ask_fee{"procedure_code":"1.001193"}'."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(dict(entities), ensure_ascii=False, separators=(",", ":"))


def parse_payload(text: str) -> tuple[str, dict[str, str]] | None:
    """The intent and entities of a button payload ('/ask_fee{"procedure_code":"1.001193"}'), else None."""
    match = re.fullmatch(r"/([A-Za-z_][\w-]*)(\{.*\})?", text.strip(), flags=re.DOTALL)
    if not match:
        return None
    entities: dict[str, str] = {}
    if match.group(2):
        try:
            raw = json.loads(match.group(2))
        except ValueError:
            return None
        if not isinstance(raw, dict):
            return None
        entities = {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int | float)}
    return match.group(1), entities


def aspect_buttons(procedure: Procedure, current: Aspect) -> list[Button]:
    """Buttons for the other aspects of the same procedure."""
    entities = {"procedure_code": procedure.code}
    aspects = [a for a in BUTTON_ORDER if a is not current and (a is not Aspect.CONDITIONS or procedure.conditions)]
    return [Button(a.label, payload(a.intent, entities)) for a in aspects[:MAX_BUTTONS]]


def procedure_button(procedure: Procedure) -> Button:
    return Button(short_name(procedure), payload(Aspect.OVERVIEW.intent, {"procedure_code": procedure.code}))
