"""Dossier lookup: a code alone gets the public status and a request for the 4 phone digits; code and digits get
the full answer (kiosk_api decides what to disclose)."""

from __future__ import annotations

import re

from motcua.codes import DOSSIER_CODE_IN_TEXT
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from . import messages as msg
from .kiosk_client import KioskUnavailable, kiosk
from .procedures import answer_question
from .tracker import client_key, latest_entity, latest_intent, user_text, utter_reply

FULL_PHONE_RE = re.compile(r"(?<!\d)(?:\+?84|0)\d{8,10}(?!\d)")


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
        res = await kiosk().resolve(client_key(tracker), text)
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
            reply = await kiosk().dossier(client_key(tracker), code, digits)
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
