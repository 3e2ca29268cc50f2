"""Zalo Official Account rules, pure (no I/O): the webhook signature, the events we act on, splitting long
answers to Zalo's text limit, and buttons rendered as a numbered list (Zalo's basic text messages have none).

Signature (Zalo's "mac"): ``X-ZEvent-Signature`` = hex SHA-256 of app_id + raw body + timestamp + OA secret key
(a plain hash, not an HMAC), possibly prefixed ``mac=``; the timestamp is the one in the JSON body.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from procedures_kb.text import fold

TEXT_LIMIT = 2000  # characters in one Zalo OA text message
MAX_BUTTONS = 20  # numbered choices remembered per sender


# ---- signature ----------------------------------------------------------------------------------


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret: str) -> str:
    """The hex SHA-256 Zalo puts in X-ZEvent-Signature."""
    return hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret.encode()).hexdigest()


def signature_valid(header: str | None, *, app_id: str, raw_body: bytes, timestamp: str, oa_secret: str) -> bool:
    """True when `header` (with or without the ``mac=`` prefix) matches, compared in constant time."""
    if not header:
        return False
    supplied = header.strip()
    if supplied[:4].lower() == "mac=":
        supplied = supplied[4:].strip()
    expected = signature(app_id, raw_body, timestamp, oa_secret)
    return hmac.compare_digest(supplied.lower().encode("utf-8", "replace"), expected.encode())


# ---- events -------------------------------------------------------------------------------------


class InvalidEvent(ValueError):
    """The JSON body is not a Zalo event (not an object, no event_name)."""


class EventKind(Enum):
    TEXT = "text"  # user_send_text: answer it
    FOLLOW = "follow"  # the user followed the OA: greeting and menu
    ECHO = "echo"  # the OA's own message echoed back: ignore
    OTHER = "other"  # anything else (stickers, seen receipts, unfollow …): ignore


@dataclass(frozen=True)
class ZaloEvent:
    name: str
    app_id: str
    sender_id: str | None
    recipient_id: str | None
    timestamp: str
    msg_id: str | None
    text: str | None


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()[:128]
    return None


MAX_EVENT_AGE_SECONDS = 24 * 3600  # Zalo re-delivers for hours, not days
MAX_CLOCK_SKEW_SECONDS = 300


def timestamp_fresh(timestamp: str, now: float) -> bool:
    """Whether an event's timestamp (epoch milliseconds, as Zalo writes it) is recent: not older than a day, not
    more than 5 minutes ahead. An old signed event replayed later is not answered."""
    try:
        at = int(timestamp) / 1000
    except ValueError:
        return False
    return now - MAX_EVENT_AGE_SECONDS <= at <= now + MAX_CLOCK_SKEW_SECONDS


def parse_event(data: Any) -> ZaloEvent:
    """The fields we use from a webhook body; InvalidEvent when it is not an object with an event_name."""
    if not isinstance(data, dict) or not isinstance(data.get("event_name"), str) or not data["event_name"]:
        raise InvalidEvent("not a Zalo event")
    raw_message = data.get("message")
    message: dict[str, Any] = raw_message if isinstance(raw_message, dict) else {}
    timestamp = data.get("timestamp")
    text = message.get("text")
    return ZaloEvent(
        name=data["event_name"][:64],
        app_id=str(data.get("app_id") or ""),
        sender_id=_id(data.get("sender")) or _id(data.get("follower")),
        recipient_id=_id(data.get("recipient")) or _id(data.get("oa_id")),
        timestamp=str(timestamp) if isinstance(timestamp, int | str) and not isinstance(timestamp, bool) else "",
        msg_id=_id(message.get("msg_id")),
        text=text if isinstance(text, str) else None,
    )


def classify(event: ZaloEvent, oa_id: str | None) -> EventKind:
    if event.name.startswith("oa_send_") or (oa_id and event.sender_id == oa_id):
        return EventKind.ECHO
    if event.sender_id is None:
        return EventKind.OTHER
    if event.name == "user_send_text" and event.text and event.text.strip():
        return EventKind.TEXT
    if event.name == "follow":
        return EventKind.FOLLOW
    return EventKind.OTHER


def dedupe_source(event: ZaloEvent) -> str:
    """What identifies one delivery: Zalo's msg_id, else (follow has none) event, sender and timestamp."""
    if event.msg_id:
        return f"msg\x00{event.msg_id}"
    return f"event\x00{event.name}\x00{event.sender_id}\x00{event.timestamp}"


# ---- long texts ---------------------------------------------------------------------------------

# Where a message may end, coarsest first: a blank line, a line break, a sentence end, a space.
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n"),
    re.compile(r"\n"),
    re.compile(r"[.!?…;:](?=\s)"),
    re.compile(r"\s"),
)


def _cut(text: str, limit: int) -> int:
    """Where to end the next message of `text` (longer than `limit`): at the coarsest boundary found in the
    second half of the first `limit` characters, else at the last space, else (one huge word) at `limit`."""
    window = text[: limit + 1]
    for level, pattern in enumerate(_BOUNDARIES):
        ends = [m.end() if level == 2 else m.start() for m in pattern.finditer(window)]
        ends = [e for e in ends if limit // 2 <= e <= limit]
        if ends:
            return ends[-1]
    spaces = [m.start() for m in _BOUNDARIES[3].finditer(window) if 0 < m.start() <= limit]
    return spaces[-1] if spaces else limit


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` as messages of at most `limit` characters, each as full as it can be while ending at the coarsest
    boundary available in its second half (paragraph, line, sentence, word); never inside a word unless one word
    alone is longer than `limit`."""
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        chunk, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if chunk:
            chunks.append(chunk)
    if rest:
        chunks.append(rest)
    return chunks


# ---- buttons as a numbered list -----------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


def choose_prompt(count: int) -> str:
    if count == 1:
        return "Ông/bà trả lời số 1 để chọn."
    if count == 2:
        return "Ông/bà trả lời số 1 hoặc 2 để chọn."
    return f"Ông/bà trả lời một số từ 1 đến {count} để chọn."


_NUMBER_RE = re.compile(r"(?:chon\s*)?(?:so\s*)?(\d{1,2})\s*[.)]?")


def picked_payload(message: str, choices: list[Choice]) -> str | None:
    """The payload of the choice a bare number reply ("2", "số 2", "chọn 2") picks, else None."""
    if not choices:
        return None
    match = _NUMBER_RE.fullmatch(fold(message).strip())
    if not match:
        return None
    number = int(match.group(1))
    return choices[number - 1].payload if 1 <= number <= len(choices) else None


# ---- a whole answer as Zalo messages ------------------------------------------------------------

RATING_INVITE = "Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ: {url}"
IMAGE_LINE = "Xem hình: {url}"


@dataclass(frozen=True)
class ReplyPart:
    text: str
    choices: list[Choice]
    image: str | None = None


def compose(replies: list[ReplyPart], rating_url: str | None = None) -> tuple[list[str], list[Choice]]:
    """The Zalo messages for one answer (each within TEXT_LIMIT) and the choices offered, numbered across the
    whole answer. Replies are joined into as few messages as the limit allows; the rating invitation ends it."""
    blocks: list[str] = []
    offered: list[Choice] = []
    for reply in replies:
        parts = [reply.text.strip()] if reply.text.strip() else []
        if reply.image:
            parts.append(IMAGE_LINE.format(url=reply.image))
        block = "\n".join(parts)
        room = MAX_BUTTONS - len(offered)
        choices = reply.choices[:room]
        if choices:
            start = len(offered) + 1
            lines = [block, ""] if block else []
            lines += [f"{start + i}. {c.title}" for i, c in enumerate(choices)]
            block = "\n".join(lines)
            offered.extend(choices)
        if block:
            blocks.append(block)
    if offered:
        blocks.append(choose_prompt(len(offered)))
    if rating_url:
        blocks.append(RATING_INVITE.format(url=rating_url))
    return split_text("\n\n".join(blocks)), offered
