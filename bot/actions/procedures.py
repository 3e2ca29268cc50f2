"""Questions about procedures: resolve the procedure with kiosk_api, then answer, ask which one, refer, or say
so; the citizen's choice among candidates; the menu."""

from __future__ import annotations

from typing import Any

from motcua.codes import PROCEDURE_CODE
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import messages as msg
from .kiosk_client import KioskUnavailable, kiosk
from .tracker import (
    as_int,
    button,
    client_key,
    latest_entity,
    latest_intent,
    previous_action,
    procedure_hint,
    user_text,
    utter_reply,
)

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
MAX_CANDIDATES = 4


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
    reply = await kiosk().answer(client_key(tracker), code, aspect, pages=pages, copies=copies, question=question)
    utter_reply(dispatcher, reply)
    if also:
        second = await kiosk().answer(client_key(tracker), also, aspect, question=question)
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
        res = await kiosk().resolve(key, text, current=None if fallback else current, hint=hint)
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
            named = await kiosk().answer(key, hint, "overview")
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
            utter_reply(dispatcher, await kiosk().menu(client_key(tracker)))
        except KioskUnavailable:
            dispatcher.utter_message(text=msg.SERVICE_UNAVAILABLE, buttons=[msg.OFFICER_BUTTON])
        return []
