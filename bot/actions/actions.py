"""Custom actions: they relay kiosk_api's answers (the only source of procedure facts and Vietnamese wording).

Rules of the assistant kept here:
- a procedure's facts are given only when kiosk_api's resolver is confident (or the citizen chose the procedure
  on a button); when unsure the assistant asks "Có phải ông/bà hỏi về …?" with buttons; when lost it says so
  and offers an officer and the menu;
- follow-ups ("thế còn lệ phí?") are answered about the procedure in the `procedure_code` slot;
- dossier lookups disclose details only with the last 4 phone digits (kiosk_api decides what to say);
- when kiosk_api is down the citizen gets a polite message and is pointed to an officer.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from motcua.codes import DOSSIER_CODE_IN_TEXT, PROCEDURE_CODE
from motcua.text import fold_words as fold
from motcua.vocabulary import RatingChannel, Satisfaction, values
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import messages as msg
from .kiosk_client import KioskClient, KioskUnavailable, Reply

logger = logging.getLogger(__name__)

ASPECT_BY_INTENT: dict[str, str] = {
    "ask_procedure": "overview",
    "ask_documents": "documents",
    "ask_fee": "fee",
    "ask_time": "time",
    "ask_where": "where",
    "ask_conditions": "conditions",
    "ask_legal": "legal",
}
INTENT_BY_ASPECT = {aspect: intent for intent, aspect in ASPECT_BY_INTENT.items()}

SATISFACTION_LEVELS = tuple(values(Satisfaction))
CANCELLED = "__cancelled__"
NO_COMMENT = "__none__"
CHANNELS = (RatingChannel.CHAT.value, RatingChannel.KIOSK.value, RatingChannel.ZALO.value)  # where the bot talks
MAX_CANDIDATES = 4
MIN_HINT_CONFIDENCE = 0.8

FULL_PHONE_RE = re.compile(r"(?<!\d)(?:\+?84|0)\d{8,10}(?!\d)")

client = KioskClient()


# ---- helpers ----------------------------------------------------------------------------------------------


def client_key(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    key = metadata.get("client") if isinstance(metadata, dict) else None
    return str(key) if key else tracker.sender_id


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if channel in CHANNELS else "chat"


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") == entity and e.get("value") not in (None, ""):
            return str(e["value"]).strip()
    return None


def user_text(tracker: Tracker) -> str:
    """The citizen's words ("" for a button payload such as /ask_fee{...})."""
    text = (tracker.latest_message.get("text") or "").strip()
    return "" if text.startswith("/") else text


def previous_action(tracker: Tracker) -> str | None:
    """The last action the bot ran before the latest user message (action_listen and slot events skipped)."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif kind == "action" and seen_user and event.get("name") not in ("action_listen", None):
            return event.get("name")
    return None


def utter_reply(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text or "", buttons=reply.buttons or None)


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    payload = f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")
    return {"title": title, "payload": payload}


def procedure_hint(tracker: Tracker) -> str | None:
    """The code of a catalogue name the NLU found in the message (mapped by the synonyms), if any.

    Only exact names and aliases map to a code; a span that maps to nothing (a typo, a partial name) is no hint.
    """
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") != "procedure":
            continue
        value = str(e.get("value") or "").strip()
        confidence = e.get("confidence_entity")
        if PROCEDURE_CODE.match(value) and (confidence is None or confidence >= MIN_HINT_CONFIDENCE):
            return value
    return None


def as_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


# ---- procedure questions -------------------------------------------------------------------------------


async def give_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    code: str,
    aspect: str,
    pages: int | None = None,
    copies: int | None = None,
    question: str | None = None,
    also: str | None = None,
) -> list[EventType]:
    """Relay kiosk_api's answer about one procedure (the fact the `question` asks about first) and remember it for
    follow-ups; `also`: a second procedure the message named, answered after it."""
    reply = await client.answer(client_key(tracker), code, aspect, pages=pages, copies=copies, question=question)
    utter_reply(dispatcher, reply)
    if also:
        second = await client.answer(client_key(tracker), also, aspect, question=question)
        utter_reply(dispatcher, second)
    procedure = reply.data.get("procedure") or {}
    return [
        SlotSet("procedure_code", procedure.get("code") or code),
        SlotSet("candidate_codes", None),
        SlotSet("candidate_names", None),
        SlotSet("pending_aspect", None),
        SlotSet("pending_question", None),
    ]


def ask_candidates(
    dispatcher: CollectingDispatcher, candidates: list[dict[str, Any]], aspect: str, question: str | None = None
) -> list[EventType]:
    """'Có phải ông/bà hỏi về …?' with one button per candidate; no procedure facts. The question is kept so that
    the chosen procedure's answer is the fact it asked about."""
    candidates = candidates[:MAX_CANDIDATES]
    intent = INTENT_BY_ASPECT.get(aspect, "ask_procedure")
    text = msg.ONE_CANDIDATE.format(name=candidates[0]["name"]) if len(candidates) == 1 else msg.SEVERAL_CANDIDATES
    buttons = [button(str(c["name"]), intent, procedure_code=str(c["code"])) for c in candidates]
    buttons += [msg.NOT_THESE_BUTTON, msg.OFFICER_BUTTON]
    dispatcher.utter_message(text=text, buttons=buttons)
    return [
        SlotSet("candidate_codes", [str(c["code"]) for c in candidates]),
        SlotSet("candidate_names", [str(c["name"]) for c in candidates]),
        SlotSet("pending_aspect", aspect),
        SlotSet("pending_question", question[:1000] if question else None),
    ]


def lost(dispatcher: CollectingDispatcher, text: str | None = None) -> list[EventType]:
    dispatcher.utter_message(text=text or msg.LOST, buttons=msg.LOST_BUTTONS)
    return [SlotSet("candidate_codes", None), SlotSet("candidate_names", None), SlotSet("pending_aspect", None)]


async def answer_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    aspect: str,
    *,
    fallback: bool = False,
    text: str | None = None,
    when_lost: str | None = None,
) -> list[EventType]:
    """Resolve the procedure the citizen asks about, then answer, ask which one, or say we are lost.

    `fallback`: the NLU was not confident about the intent; answer only when the text itself names a
    procedure confidently (never from the conversation's context, never a guess); when the text leaves a few
    procedures unsure, ask which one (as for any question) rather than say it was not understood.
    """
    key = client_key(tracker)
    chosen = latest_entity(tracker, "procedure_code")
    hint = procedure_hint(tracker)
    current = tracker.get_slot("procedure_code")
    text = text if text is not None else user_text(tracker)
    pending = [] if fallback else pending_candidate_refs(tracker)
    try:
        if chosen and PROCEDURE_CODE.match(chosen):
            # The citizen pressed a button naming the procedure (after "Có phải …?": the question asked then).
            asked = tracker.get_slot("pending_question") if pending else None
            return await give_answer(dispatcher, tracker, chosen, aspect, question=asked)
        if not text:
            return lost(dispatcher)
        res = await client.resolve(key, text, current=None if fallback else current, hint=hint)
        # a clear wording cue ("mất mấy ngày", "cần giấy tờ gì") beats the intent's guess of the aspect
        aspect = res.data.get("aspect") or aspect
        band = res.data.get("band")
        procedure = res.data.get("procedure") or {}
        candidates = [c for c in res.data.get("candidates") or [] if c.get("code") and c.get("name")]
        referral = res.data.get("referral") or {}
        if band == "confident" and procedure.get("code") and not (fallback and res.data.get("from_context")):
            events = await give_answer(
                dispatcher,
                tracker,
                procedure["code"],
                aspect,
                pages=as_int(res.data.get("pages")),
                copies=as_int(res.data.get("copies")),
                question=text,
                also=(res.data.get("also") or {}).get("code"),
            )
            if referral.get("text"):
                # A procedure and something the commune does not do, both named: the referral is answered too.
                dispatcher.utter_message(text=str(referral["text"]))
            return events
        if referral.get("text"):
            # Something the commune does not do: who does it, where (never another procedure's facts).
            dispatcher.utter_message(text=str(referral["text"]), buttons=[msg.MENU_BUTTON, msg.OFFICER_BUTTON])
            return [SlotSet("candidate_codes", None), SlotSet("candidate_names", None), SlotSet("pending_aspect", None)]
        if fallback and not (band == "unsure" and candidates):
            return lost(dispatcher, when_lost)
        if band != "unsure" and pending:
            # "bao nhiêu tiền?" right after "Có phải ông/bà hỏi về …?": the same choice, for the new question.
            return ask_candidates(dispatcher, pending, aspect, text)
        if band == "unsure" and candidates:
            if hint:
                # The NLU recognised a catalogue name: put that procedure first.
                candidates.sort(key=lambda c: c["code"] != hint)
            return ask_candidates(dispatcher, candidates, aspect, text)
        if hint:
            # The resolver found nothing, but the text contains a catalogue name: ask, do not answer.
            named = await client.answer(key, hint, "overview")
            name = (named.data.get("procedure") or {}).get("name")
            if name:
                return ask_candidates(dispatcher, [{"code": hint, "name": name}], aspect, text)
        return lost(dispatcher)
    except KioskUnavailable:
        dispatcher.utter_message(text=msg.SERVICE_UNAVAILABLE, buttons=[msg.OFFICER_BUTTON])
        return []


class ActionAnswerProcedure(Action):
    def name(self) -> str:
        return "action_answer_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        aspect = ASPECT_BY_INTENT.get(latest_intent(tracker) or "", "overview")
        return await answer_question(dispatcher, tracker, aspect)


class ActionOutOfScope(Action):
    """out_of_scope: something the commune does not do (the referral table says who does), or a procedure question
    in unusual words; otherwise say what the assistant helps with."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await answer_question(dispatcher, tracker, "overview", fallback=True, when_lost=msg.OUT_OF_SCOPE)


class ActionFallbackProcedure(Action):
    """nlu_fallback: maybe a procedure question in unusual words; answer only if the resolver is confident."""

    def name(self) -> str:
        return "action_fallback_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await answer_question(dispatcher, tracker, "overview", fallback=True)


def pending_candidate_refs(tracker: Tracker) -> list[dict[str, str]]:
    """The candidates offered in the previous turn, with their names."""
    codes = pending_candidates(tracker)
    names = tracker.get_slot("candidate_names") or []
    if len(names) != len(codes):
        return []
    return [{"code": code, "name": str(name)} for code, name in zip(codes, names, strict=True)]


def pending_candidates(tracker: Tracker) -> list[str]:
    """Candidates offered in the bot's previous turn (stale ones from earlier turns do not count)."""
    if previous_action(tracker) not in ("action_answer_procedure", "action_fallback_procedure"):
        return []
    return [c for c in tracker.get_slot("candidate_codes") or [] if isinstance(c, str)]


class ActionHandleAffirm(Action):
    """'Đúng rồi' / 'có': confirms a single candidate procedure, or accepts the offer to rate the service."""

    def name(self) -> str:
        return "action_handle_affirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        candidates = pending_candidates(tracker)
        if len(candidates) == 1:
            aspect = tracker.get_slot("pending_aspect") or "overview"
            try:
                return await give_answer(
                    dispatcher, tracker, candidates[0], aspect, question=tracker.get_slot("pending_question")
                )
            except KioskUnavailable:
                dispatcher.utter_message(text=msg.SERVICE_UNAVAILABLE, buttons=[msg.OFFICER_BUTTON])
                return []
        if candidates:
            dispatcher.utter_message(text=msg.CHOOSE_CANDIDATE)
            return []
        if previous_action(tracker) in ("utter_thank", "utter_goodbye"):
            return [FollowupAction("rating_form")]
        dispatcher.utter_message(text=msg.ANYTHING_ELSE)
        return []


class ActionHandleDeny(Action):
    """'Không phải': the candidates were wrong; ask to say it differently, offer an officer and the menu."""

    def name(self) -> str:
        return "action_handle_deny"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if pending_candidates(tracker):
            dispatcher.utter_message(text=msg.CANDIDATES_REJECTED, buttons=[msg.OFFICER_BUTTON, msg.MENU_BUTTON])
            return [SlotSet("candidate_codes", None), SlotSet("candidate_names", None), SlotSet("pending_aspect", None)]
        dispatcher.utter_message(text=msg.ANYTHING_ELSE)
        return []


class ActionShowMenu(Action):
    def name(self) -> str:
        return "action_show_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            utter_reply(dispatcher, await client.menu(client_key(tracker)))
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.SERVICE_UNAVAILABLE, buttons=[msg.OFFICER_BUTTON])
        return []


# ---- dossier lookup --------------------------------------------------------------------------------------


def phone_digits(tracker: Tracker) -> str | None:
    """The last 4 phone digits in the latest message (from the regex entity, or a full number typed)."""
    full = FULL_PHONE_RE.search(re.sub(r"(?<=\d)[ .](?=\d)", "", user_text(tracker)))
    if full:
        return full.group(0)[-4:]  # a whole number typed: only its last 4 digits are used (and sent)
    digits = latest_entity(tracker, "phone_last4")
    return digits if digits and re.fullmatch(r"\d{4}", digits) else None


def normalise_dossier_code(code: str | None) -> str | None:
    """Codes in the provincial format are printed in capitals (000.00.06.H56-231027-0361); phones type "h56"."""
    if not code:
        return None
    code = code.strip()
    return code.upper() if DOSSIER_CODE_IN_TEXT.fullmatch(code) else code


async def asks_about_a_procedure(tracker: Tracker) -> bool:
    """The latest message names a procedure confidently and asks nothing about a dossier of its own."""
    text = user_text(tracker)
    if not text or text.startswith("/"):
        return False
    try:
        res = await client.resolve(client_key(tracker), text)
    except KioskUnavailable:
        return False
    return not res.data.get("dossier") and res.data.get("band") == "confident" and bool(res.data.get("procedure"))


class ActionLookupDossier(Action):
    """Code only -> the public status and a request for the 4 digits; code + digits -> the full answer."""

    def name(self) -> str:
        return "action_lookup_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        code = normalise_dossier_code(latest_entity(tracker, "dossier_code"))
        if not code and latest_intent(tracker) != "lookup_dossier":
            code = tracker.get_slot("dossier_code")  # the digits that follow an earlier code
        digits = phone_digits(tracker)
        events: list[EventType] = [SlotSet("phone_last4", None)]
        if not code and await asks_about_a_procedure(tracker):
            # "nộp hồ sơ từ tuần trước, theo quy định mấy ngày phải xong?", "sinh năm 1999, làm căn cước năm 2021 …
            # có phải đổi thẻ không?": a question about a procedure that the NLU read as a lookup or as phone digits
            # (no dossier code, no "tra cứu hồ sơ"): it is answered, no code is asked for.
            return await answer_question(dispatcher, tracker, "overview")
        if not code:
            dispatcher.utter_message(text=msg.ASK_DOSSIER_CODE_FIRST if digits else msg.ASK_DOSSIER_CODE)
            return events + [SlotSet("dossier_code", None)]
        try:
            reply = await client.dossier(client_key(tracker), code, digits)
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.SERVICE_UNAVAILABLE, buttons=[msg.OFFICER_BUTTON])
            return events
        utter_reply(dispatcher, reply)
        events.append(SlotSet("dossier_code", code))
        if digits and reply.data.get("found"):
            events.append(SlotSet("verified_dossier", code))
            events.append(SlotSet("rating_token", reply.data.get("rating_token")))
            # Marker for kiosk_api (no text: not shown): the dossier was disclosed, offer its rating link.
            dispatcher.utter_message(json_message={"dossier_code": code})
        return events


# ---- officer, rating, feedback ------------------------------------------------------------------------


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
            reply = await client.handoff(client_key(tracker), channel_of(tracker), topic, tracker.sender_id)
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
    ("rat hai long", "rat_hai_long"),
    ("khong hai long", "khong_hai_long"),
    ("chua hai long", "khong_hai_long"),
    ("binh thuong", "binh_thuong"),
    ("hai long", "hai_long"),
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
            reply = await client.rating(
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


FEEDBACK_TRIGGER_RE = re.compile(
    r"^(?:(?:toi|em|minh|chau|con)\s+)?(?:muon\s+|xin\s+|co\s+)?(?:gui\s+)?"
    r"(?:phan anh|kien nghi|gop y|khieu nai|phan nan|to cao|de nghi)(?:\s+(?:ve|la|viec|rang))?\s*"
)
MIN_FEEDBACK_WORDS = 8
# A petition is filed only when the citizen says so in these words; anything else is a question to answer.
PETITION_WORDS_RE = re.compile(r"\b(phan anh|kien nghi|gop y|khieu nai|phan nan|to cao|y kien dong gop)\b")
# "đề nghị" names a petition only at the start ("đề nghị xã sửa đường"): "gửi đơn đề nghị hòa giải" is a procedure
QUESTION_END_RE = re.compile(r"\b(khong|ko|chua|gi|nao|sao|dau|bao lau|bao nhieu|the nao|duoc khong)$")
NOT_A_PETITION = "__question__"


def feedback_kind(text: str) -> str:
    words = fold(text)
    return "kien_nghi" if any(w in words for w in ("kien nghi", "de nghi", "gop y", "de xuat")) else "phan_anh"


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def extract_feedback_content(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # The message that opened the form: a question that names no petition ("tranh chấp đất với hàng xóm thì
        # làm sao?") is answered, not filed; one that already says what happened after "phản ánh …" is the
        # content itself (still shown back for confirmation before anything is stored).
        if tracker.get_slot("requested_slot") or latest_intent(tracker) != "give_feedback":
            return {}
        text = user_text(tracker)
        folded = fold(text)
        starts = FEEDBACK_TRIGGER_RE.match(folded) is not None
        asks = text.rstrip().endswith("?") or QUESTION_END_RE.search(folded) is not None
        if not starts and (not PETITION_WORDS_RE.search(folded) or asks):
            # no petition word, or a question that only mentions one ("… khiếu nại ở đâu?"): answered, not filed
            return {"feedback_content": NOT_A_PETITION, "feedback_confirmed": False}
        rest = FEEDBACK_TRIGGER_RE.sub("", folded, count=1)
        if starts and len(rest.split()) >= MIN_FEEDBACK_WORDS:
            return {"feedback_content": text}
        return {}

    def validate_feedback_content(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        if text.startswith("/"):
            return {"feedback_content": None}  # a button, not content: ask again
        if fold(text) in CANCEL_WORDS:
            return {"feedback_content": CANCELLED, "feedback_confirmed": False}
        if text == NOT_A_PETITION:
            return {"feedback_content": NOT_A_PETITION}
        if len(fold(text)) < 3:
            return {"feedback_content": None}
        return {"feedback_content": text[:2000]}


def feedback_trigger_text(tracker: Tracker) -> str:
    for event in reversed(tracker.events):
        if (
            event.get("event") == "user"
            and (event.get("parse_data") or {}).get("intent", {}).get("name") == "give_feedback"
        ):
            return event.get("text") or ""
    return ""


class ActionSubmitFeedback(Action):
    def name(self) -> str:
        return "action_submit_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        content = tracker.get_slot("feedback_content")
        confirmed = tracker.get_slot("feedback_confirmed") is True
        reset: list[EventType] = [SlotSet("feedback_content", None), SlotSet("feedback_confirmed", None)]
        if content == NOT_A_PETITION:
            # The message was a question the NLU took for a petition: answer it; nothing is stored.
            return reset + await answer_question(dispatcher, tracker, "overview", text=feedback_trigger_text(tracker))
        if not content or content == CANCELLED or not confirmed:
            dispatcher.utter_message(text=msg.FEEDBACK_CANCELLED)
            return reset
        kind = feedback_kind(f"{feedback_trigger_text(tracker)} {content}")
        try:
            reply = await client.feedback(client_key(tracker), kind=kind, content=content, channel=channel_of(tracker))
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.FEEDBACK_FAILED)
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


class ActionAskFeedbackContent(Action):
    def name(self) -> str:
        return "action_ask_feedback_content"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=msg.ASK_FEEDBACK_CONTENT)
        return []


class ActionAskFeedbackConfirmed(Action):
    """Show the petition's text back and ask for an explicit «Gửi» before anything is stored."""

    def name(self) -> str:
        return "action_ask_feedback_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        content = str(tracker.get_slot("feedback_content") or "")
        kind = (
            "kiến nghị" if feedback_kind(f"{feedback_trigger_text(tracker)} {content}") == "kien_nghi" else "phản ánh"
        )
        shown = content if len(content) <= 300 else content[:299] + "…"
        dispatcher.utter_message(
            text=msg.CONFIRM_FEEDBACK.format(kind=kind, content=shown), buttons=msg.CONFIRM_FEEDBACK_BUTTONS
        )
        return []


class ActionNotUnderstood(Action):
    """Core fallback (no policy is confident about the next action): say so, offer an officer and the menu."""

    def name(self) -> str:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=msg.NOT_UNDERSTOOD, buttons=[msg.OFFICER_BUTTON, msg.MENU_BUTTON])
        return [UserUtteranceReverted()]
