"""The ids the server issues to its clients and later trusts (pure: secret and time are parameters).

- A **kiosk session** (``ks1``): one citizen's turn at a touch kiosk; lookups from the kiosk are throttled per
  session. Issued by POST /api/kiosk/session, only to kiosk addresses, a limited number per hour.
- A **conversation** (``cv1``): the chat's sender id. /api/chat issues one with its first answer and Rasa knows the
  conversation only by it, so a client cannot join someone else's conversation by guessing or copying an id it
  chose.
- A **client ticket** (``ct1``): who is chatting (address, kiosk session, Zalo user), signed by kiosk_api for one
  message and passed through Rasa's metadata to the action server, which sends it back with its calls. Anything
  written into the metadata by someone else does not verify.
"""

from __future__ import annotations

import secrets

from .signed import SignedExpired, SignedInvalid, make, read

KIOSK_SESSION = "ks1"
CONVERSATION = "cv1"
CLIENT_TICKET = "ct1"
CONVERSATION_SECONDS = 7 * 24 * 3600  # a conversation id lives a week (a Zalo chat can pause for days)
TICKET_SECONDS = 300  # one message's round trip through Rasa and the actions


def _read(secret: bytes, purpose: str, token: str, now: float) -> str | None:
    try:
        return read(secret, purpose, token, now)
    except (SignedInvalid, SignedExpired):
        return None


def new_kiosk_session(secret: bytes, now: float, minutes: int) -> str:
    return make(secret, KIOSK_SESSION, secrets.token_urlsafe(12), int(now) + minutes * 60)


def read_kiosk_session(secret: bytes, token: str, now: float) -> str | None:
    """The session id, or None when the token is not a valid, current kiosk session of this server."""
    return _read(secret, KIOSK_SESSION, token, now)


def new_conversation(secret: bytes, now: float) -> str:
    return make(secret, CONVERSATION, secrets.token_urlsafe(12), int(now) + CONVERSATION_SECONDS)


def read_conversation(secret: bytes, token: str, now: float) -> str | None:
    return _read(secret, CONVERSATION, token, now)


def client_ticket(secret: bytes, client: str, now: float) -> str:
    return make(secret, CLIENT_TICKET, client, int(now) + TICKET_SECONDS)


def read_client_ticket(secret: bytes, token: str, now: float) -> str | None:
    return _read(secret, CLIENT_TICKET, token, now)
