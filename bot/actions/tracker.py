"""Reading the tracker: who is asking, on which channel, what the NLU found, what the bot did last."""

from __future__ import annotations

import json
from typing import Any

from motcua.codes import PROCEDURE_CODE
from motcua.vocabulary import ConversationChannel, values
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .kiosk_client import Reply

CHANNELS = tuple(values(ConversationChannel))  # where the bot talks
MIN_HINT_CONFIDENCE = 0.8


def client_key(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    key = metadata.get("client") if isinstance(metadata, dict) else None
    return str(key) if key else tracker.sender_id


def channel_of(tracker: Tracker) -> str:
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if channel in CHANNELS else ConversationChannel.CHAT.value


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
