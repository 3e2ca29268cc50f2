"""Statistics of the assistant's conversations: one chat_events row per message, without personal data.

The text is redacted (phone numbers, ID numbers, dossier codes, e-mail addresses, long numbers removed) and
the sender is stored as a keyed hash, so rows can be counted per conversation but not traced to a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.redact import redact_for_storage
from ..models import ChatEvent
from ..security import sender_hash

log = logging.getLogger(__name__)

MAX_TEXT = 1000


@dataclass(frozen=True)
class ChatEventData:
    channel: str
    sender: str
    text: str
    intent: str | None = None
    procedure_code: str | None = None
    confidence: float | None = None


def record(session: Session, event: ChatEventData, *, secret: bytes) -> ChatEvent:
    """Add and commit one chat event (the text redacted, the sender hashed)."""
    row = ChatEvent(
        sender_hash=sender_hash(secret, event.channel, event.sender),
        channel=event.channel[:16],
        intent=event.intent[:50] if event.intent else None,
        procedure_code=event.procedure_code[:32] if event.procedure_code else None,
        confidence=event.confidence,
        text_redacted=redact_for_storage(event.text)[:MAX_TEXT],
    )
    session.add(row)
    session.commit()
    return row


def record_quietly(make_session: sessionmaker[Session], event: ChatEventData, *, secret: bytes) -> None:
    """record() in its own session; a database error is logged, never raised (statistics are best effort)."""
    try:
        with make_session() as session:
            record(session, event, secret=secret)
    except SQLAlchemyError as exc:
        log.error("chat event not recorded: %s", type(exc).__name__)
