"""Talking to the Rasa server over HTTP: its REST channel webhook and (optionally) its tracker API.

One `httpx.AsyncClient` per application (created at start-up, closed at shutdown) keeps connections to
Rasa open between messages. Every failure — Rasa down, too slow, an HTTP error, a body that is not a
list of messages — raises RasaUnavailable, so /api/chat can answer from the catalogue instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO; tracker URLs carry the conversation id (a Zalo user id, say).
logging.getLogger("httpx").setLevel(logging.WARNING)

WEBHOOK_PATH = "/webhooks/rest/webhook"
TRACKER_TIMEOUT = 2.0


class RasaUnavailable(Exception):
    """Rasa could not answer (the reason is a short English description, without personal data)."""


@dataclass(frozen=True)
class TrackerInfo:
    intent: str | None
    confidence: float | None
    procedure_code: str | None


class RasaClient:
    def __init__(
        self,
        base_url: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        token: str | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = token  # Rasa's HTTP API token (rasa run --auth-token); the REST channel needs none
        self._client = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)
        # Rasa runs its HTTP API (tracker) only with --enable-api; stop asking once it says no.
        self.tracker_api = True

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """POST the message to the REST channel; Rasa's list of bot messages, or RasaUnavailable."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self._client.post(WEBHOOK_PATH, json=body)
        except httpx.TimeoutException:
            raise RasaUnavailable(f"timeout after {self.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"connection error ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError:
            raise RasaUnavailable("response is not JSON") from None
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise RasaUnavailable("response is not a list of messages")
        return messages

    async def tracker(self, sender: str) -> TrackerInfo | None:
        """The latest intent and the procedure_code slot of a conversation, or None when unavailable."""
        if not self.tracker_api:
            return None
        path = f"/conversations/{quote(sender, safe='')}/tracker"
        try:
            params = {"include_events": "NONE", **({"token": self.token} if self.token else {})}
            response = await self._client.get(path, params=params, timeout=TRACKER_TIMEOUT)
        except httpx.HTTPError:
            return None
        if response.status_code in (401, 403, 404, 405):
            log.info(
                "Rasa tracker API unavailable (HTTP %d): chat events are logged without the intent",
                response.status_code,
            )
            self.tracker_api = False
            return None
        if response.status_code != 200:
            return None
        try:
            data = response.json()
        except ValueError:
            return None
        return parse_tracker(data)


def parse_tracker(data: Any) -> TrackerInfo | None:
    if not isinstance(data, dict):
        return None
    latest = data.get("latest_message") or {}
    intent = latest.get("intent") if isinstance(latest, dict) else None
    name = intent.get("name") if isinstance(intent, dict) else None
    confidence = intent.get("confidence") if isinstance(intent, dict) else None
    slots = data.get("slots") or {}
    code = slots.get("procedure_code") if isinstance(slots, dict) else None
    return TrackerInfo(
        intent=name[:50] if isinstance(name, str) and name else None,
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        procedure_code=code[:32] if isinstance(code, str) and code else None,
    )


# ---- mapping Rasa's messages to replies -----------------------------------------------------------

MERGE_LIMIT = 1000


@dataclass
class ReplyData:
    text: str
    buttons: list[tuple[str, str]]
    image: str | None = None


def _buttons(raw: Any) -> list[tuple[str, str]]:
    out = []
    for b in raw if isinstance(raw, list) else []:
        if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str):
            out.append((b["title"], b["payload"]))
    return out


def to_replies(messages: list[dict[str, Any]]) -> list[ReplyData]:
    """Rasa's bot messages as replies: consecutive texts merged into one bubble (up to MERGE_LIMIT
    characters), buttons attached to the text they follow, images in their own reply. A `custom` payload
    is used when it carries "text" and/or "buttons"; other message kinds are ignored."""
    replies: list[ReplyData] = []
    for m in messages:
        raw_custom = m.get("custom")
        custom: dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
        text = m.get("text") if isinstance(m.get("text"), str) else custom.get("text")
        text = text.strip() if isinstance(text, str) else ""
        buttons = _buttons(m.get("buttons")) or _buttons(custom.get("buttons"))
        image = m.get("image") if isinstance(m.get("image"), str) and m.get("image") else None
        if image:
            replies.append(ReplyData(text, buttons, image))
            continue
        if not text and not buttons:
            continue
        last = replies[-1] if replies else None
        # the last reply while more text may join it (no buttons, no image yet)
        open_text = last if last is not None and not last.buttons and last.image is None else None
        if text and open_text is not None and len(open_text.text) + len(text) + 2 <= MERGE_LIMIT:
            open_text.text = f"{open_text.text}\n\n{text}" if open_text.text else text
            open_text.buttons = buttons
        elif not text and last is not None and not last.buttons:
            last.buttons = buttons
        else:
            replies.append(ReplyData(text, buttons))
    return replies
