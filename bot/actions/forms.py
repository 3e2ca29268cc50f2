"""The officer request, the rating and petition forms (nothing is stored until the citizen chose or confirmed it),
the questions the forms ask, and the core fallback."""

from __future__ import annotations

import re
import uuid
from typing import Any

from motcua.text import fold_words as fold
from motcua.vocabulary import PetitionKind, Satisfaction, values
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import messages as msg
from .kiosk_client import KioskUnavailable, kiosk
from .procedures import answer_question
from .tracker import channel_of, client_key, latest_intent, user_text, utter_reply

SATISFACTION_LEVELS = tuple(values(Satisfaction))
CANCELLED = "__cancelled__"
NO_COMMENT = "__none__"


class ActionRequestOfficer(Action):
    def name(self) -> str:
        return "action_request_officer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = user_text(tracker)
        if text and not text.startswith("/") and not OFFICER_REQUEST_RE.search(fold(text)):
            # The NLU took a question ("cán bộ có đến tận nhà không?") for a request: answer it, record nothing.
            return await answer_question(dispatcher, tracker, "overview")
        topic = tracker.get_slot("procedure_code")
        try:
            reply = await kiosk().handoff(client_key(tracker), channel_of(tracker), topic, tracker.sender_id)
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.OFFICER_OFFLINE)
            return []
        utter_reply(dispatcher, reply)
        return []


# A request for an officer says so: meet / talk to / call a person. Anything else is a question to answer.
OFFICER_REQUEST_RE = re.compile(
    r"\b(gap|noi chuyen|goi|ket noi|lien he|lien lac|chuyen|tro chuyen|can|muon|cho)\b.*"
    r"\b(can bo|nhan vien|cong chuc|nguoi that|nguoi truc|tong dai|nguoi ho tro)\b"
    r"|\b(can bo|nhan vien|nguoi that)\b.*\b(ho tro|giup|tu van)\b"
)

NO_COMMENT_WORDS = {
    "khong co gop y", "khong gop y", "khong co", "khong", "ko", "k", "ko co", "khong a", "khong co gi",
    "thoi", "het", "khong co y kien", "khong y kien", "khong can", "ok", "khong co gop y gi",
}  # fmt: skip
CANCEL_WORDS = {
    "thoi", "thoi khong gui nua", "khong gui nua", "huy", "thoi khoi", "khong", "ko", "k", "thoi huy",
    "khong can", "thoi khong can", "bo qua", "thoi a",
}  # fmt: skip
SATISFACTION_WORDS = (
    ("rat hai long", Satisfaction.VERY_SATISFIED.value),
    ("khong hai long", Satisfaction.DISSATISFIED.value),
    ("chua hai long", Satisfaction.DISSATISFIED.value),
    ("binh thuong", Satisfaction.NEUTRAL.value),
    ("hai long", Satisfaction.SATISFIED.value),
)


class ValidateRatingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_rating_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("satisfaction") == CANCELLED:
            # The citizen does not want to rate now: no comment is asked, the submit action says so.
            return ["satisfaction"]
        return domain_slots

    async def extract_satisfaction(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "satisfaction" or tracker.get_slot("satisfaction"):
            return {}
        if latest_intent(tracker) == "deny":
            return {"satisfaction": CANCELLED}
        words = fold(user_text(tracker))
        for phrase, level in SATISFACTION_WORDS:
            if phrase in words:
                return {"satisfaction": level}
        return {}

    def validate_satisfaction(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if slot_value == CANCELLED:
            return {"satisfaction": CANCELLED}
        if slot_value not in SATISFACTION_LEVELS:
            return {"satisfaction": None}
        return {"satisfaction": slot_value, "rating_key": tracker.get_slot("rating_key") or uuid.uuid4().hex}

    def validate_rating_comment(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        if not text or text.startswith("/") or fold(text) in NO_COMMENT_WORDS:
            return {"rating_comment": NO_COMMENT}
        return {"rating_comment": text[:1000]}


class ActionSubmitRating(Action):
    def name(self) -> str:
        return "action_submit_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        satisfaction = tracker.get_slot("satisfaction")
        comment = tracker.get_slot("rating_comment")
        key = tracker.get_slot("rating_key") or uuid.uuid4().hex
        reset: list[EventType] = [
            SlotSet("satisfaction", None),
            SlotSet("rating_comment", None),
            SlotSet("rating_key", None),
        ]
        if satisfaction not in SATISFACTION_LEVELS:
            dispatcher.utter_message(text=msg.RATING_CANCELLED)
            return reset
        try:
            reply = await kiosk().rating(
                client_key(tracker),
                channel=channel_of(tracker),
                satisfaction=satisfaction,
                comment=None if comment in (None, NO_COMMENT) else comment,
                token=tracker.get_slot("rating_token"),
                idempotency_key=f"{tracker.sender_id}:{key}",
            )
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.RATING_FAILED)
            return reset
        utter_reply(dispatcher, reply)
        return reset


PETITION_TRIGGER_RE = re.compile(
    r"^(?:(?:toi|em|minh|chau|con)\s+)?(?:muon\s+|xin\s+|co\s+)?(?:gui\s+)?"
    r"(?:phan anh|kien nghi|gop y|khieu nai|phan nan|to cao|de nghi)(?:\s+(?:ve|la|viec|rang))?\s*"
)
MIN_PETITION_WORDS = 8
# A petition is filed only when the citizen says so in these words; anything else is a question to answer.
PETITION_WORDS_RE = re.compile(r"\b(phan anh|kien nghi|gop y|khieu nai|phan nan|to cao|y kien dong gop)\b")
# "đề nghị" names a petition only at the start ("đề nghị xã sửa đường"): "gửi đơn đề nghị hòa giải" is a procedure
QUESTION_END_RE = re.compile(r"\b(khong|ko|chua|gi|nao|sao|dau|bao lau|bao nhieu|the nao|duoc khong)$")
NOT_A_PETITION = "__question__"


def petition_kind(text: str) -> str:
    words = fold(text)
    suggests = any(w in words for w in ("kien nghi", "de nghi", "gop y", "de xuat"))
    return PetitionKind.SUGGESTION.value if suggests else PetitionKind.COMPLAINT.value


class ValidatePetitionForm(FormValidationAction):
    def name(self) -> str:
        return "validate_petition_form"

    async def extract_petition_content(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # The message that opened the form: a question that names no petition ("tranh chấp đất với hàng xóm thì
        # làm sao?") is answered, not filed; one that already says what happened after "phản ánh …" is the
        # content itself (still shown back for confirmation before anything is stored).
        if tracker.get_slot("requested_slot") or latest_intent(tracker) != "submit_petition":
            return {}
        text = user_text(tracker)
        folded = fold(text)
        starts = PETITION_TRIGGER_RE.match(folded) is not None
        asks = text.rstrip().endswith("?") or QUESTION_END_RE.search(folded) is not None
        if not starts and (not PETITION_WORDS_RE.search(folded) or asks):
            # no petition word, or a question that only mentions one ("… khiếu nại ở đâu?"): answered, not filed
            return {"petition_content": NOT_A_PETITION, "petition_confirmed": False}
        rest = PETITION_TRIGGER_RE.sub("", folded, count=1)
        if starts and len(rest.split()) >= MIN_PETITION_WORDS:
            return {"petition_content": text}
        return {}

    def validate_petition_content(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        if text.startswith("/"):
            return {"petition_content": None}  # a button, not content: ask again
        if fold(text) in CANCEL_WORDS:
            return {"petition_content": CANCELLED, "petition_confirmed": False}
        if text == NOT_A_PETITION:
            return {"petition_content": NOT_A_PETITION}
        if len(fold(text)) < 3:
            return {"petition_content": None}
        return {"petition_content": text[:2000]}


def petition_trigger_text(tracker: Tracker) -> str:
    for event in reversed(tracker.events):
        if (
            event.get("event") == "user"
            and (event.get("parse_data") or {}).get("intent", {}).get("name") == "submit_petition"
        ):
            return event.get("text") or ""
    return ""


class ActionSubmitPetition(Action):
    def name(self) -> str:
        return "action_submit_petition"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        content = tracker.get_slot("petition_content")
        confirmed = tracker.get_slot("petition_confirmed") is True
        reset: list[EventType] = [SlotSet("petition_content", None), SlotSet("petition_confirmed", None)]
        if content == NOT_A_PETITION:
            # The message was a question the NLU took for a petition: answer it; nothing is stored.
            return reset + await answer_question(dispatcher, tracker, "overview", text=petition_trigger_text(tracker))
        if not content or content == CANCELLED or not confirmed:
            dispatcher.utter_message(text=msg.PETITION_CANCELLED)
            return reset
        kind = petition_kind(f"{petition_trigger_text(tracker)} {content}")
        try:
            reply = await kiosk().petition(client_key(tracker), kind=kind, content=content, channel=channel_of(tracker))
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.PETITION_FAILED)
            return reset
        utter_reply(dispatcher, reply)
        return reset


# ---- questions asked by the forms, and the core fallback --------------------------------------------------


class ActionAskSatisfaction(Action):
    def name(self) -> str:
        return "action_ask_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=msg.ASK_SATISFACTION, buttons=msg.SATISFACTION_BUTTONS)
        return []


class ActionAskRatingComment(Action):
    def name(self) -> str:
        return "action_ask_rating_comment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(
            text=msg.ASK_RATING_COMMENT, buttons=[{"title": msg.NO_COMMENT_TITLE, "payload": msg.NO_COMMENT_TITLE}]
        )
        return []


class ActionAskPetitionContent(Action):
    def name(self) -> str:
        return "action_ask_petition_content"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=msg.ASK_PETITION_CONTENT)
        return []


class ActionAskPetitionConfirmed(Action):
    """Show the petition's text back and ask for an explicit «Gửi» before anything is stored."""

    def name(self) -> str:
        return "action_ask_petition_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        content = str(tracker.get_slot("petition_content") or "")
        kind = (
            "kiến nghị"
            if petition_kind(f"{petition_trigger_text(tracker)} {content}") == PetitionKind.SUGGESTION
            else "phản ánh"
        )
        shown = content if len(content) <= 300 else content[:299] + "…"
        dispatcher.utter_message(
            text=msg.CONFIRM_PETITION.format(kind=kind, content=shown), buttons=msg.CONFIRM_PETITION_BUTTONS
        )
        return []


class ActionNotUnderstood(Action):
    """Core fallback (no policy is confident about the next action): say so, offer an officer and the menu."""

    def name(self) -> str:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=msg.NOT_UNDERSTOOD, buttons=[msg.OFFICER_BUTTON, msg.MENU_BUTTON])
        return [UserUtteranceReverted()]
