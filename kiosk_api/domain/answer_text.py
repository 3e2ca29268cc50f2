"""The phrasing every answer shares (pure functions): a procedure's name as an answer's heading or a button title,
text cut at a word boundary, numbered lists and whole answers kept under MAX_CHARS so that they fit a Zalo message
(longer lists end with MORE), and a value told per submission channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from procedures_kb.schema import Channel, ChannelKind, Procedure

MAX_CHARS = 900
MAX_ITEMS = 8
MORE = "… (xem đầy đủ tại quầy hoặc trên màn hình kiosk)"

# How a channel is named inside a sentence ("nộp trực tiếp: …").
CHANNEL_PHRASES: dict[ChannelKind, str] = {
    ChannelKind.IN_PERSON: "nộp trực tiếp",
    ChannelKind.ONLINE_FULL: "nộp trực tuyến",
    ChannelKind.ONLINE_PARTIAL: "nộp trực tuyến",
    ChannelKind.POST: "gửi qua bưu chính",
}
EXACT_CHANNEL_PHRASES = {
    **CHANNEL_PHRASES,
    ChannelKind.ONLINE_FULL: "nộp trực tuyến toàn trình",
    ChannelKind.ONLINE_PARTIAL: "nộp trực tuyến một phần",
}

TITLE_LIMIT = 160


def title(procedure: Procedure, limit: int = TITLE_LIMIT) -> str:
    """The name as an answer's heading: whole when it is short enough; a long portal name (some run to 400
    characters, listing every case) is cut after its first clause, or at a word boundary."""
    name = " ".join(procedure.name.split())
    if len(name) <= limit:
        return name
    head = name.split(";", 1)[0].rstrip(" ,")
    return head + "…" if len(head) < limit else shorten(name, limit)


def short_name(procedure: Procedure, limit: int = 50) -> str:
    """A button title: the name without a trailing explanation in brackets; a long name is cut at its first
    comma when that leaves a meaningful title, else at a word boundary."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", procedure.name).strip() or procedure.name
    if len(name) > limit:
        head = name.split(",", 1)[0].strip()
        if 15 <= len(head) <= limit:
            return head
    return shorten(name, limit)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters (ending with '…' when cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-(")
    return cut + "…"


def first_sentence(text: str) -> str:
    """The first sentence (the rest is in the detailed answer)."""
    return re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text.strip(), maxsplit=1)[0]


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…", ")")) else text + "."


def lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def list_text(header: str, items: Sequence[str], *, footer: Iterable[str] = (), limit: int = MAX_CHARS) -> str:
    """A header, numbered items and footer lines, dropping items (ending with MORE) to stay under `limit`."""
    footer = [f for f in footer if f]
    tail = "\n".join(footer)
    budget = limit - len(header) - (len(tail) + 1 if tail else 0) - len(MORE) - 2
    lines: list[str] = []
    used = 0
    truncated = False
    for i, item in enumerate(items[:MAX_ITEMS], 1):
        line = f"{i}. {item}"
        if used + len(line) + 1 > budget:
            truncated = True
            break
        lines.append(line)
        used += len(line) + 1
    truncated = truncated or len(items) > MAX_ITEMS
    if truncated:
        lines.append(MORE)
    return "\n".join([header, *lines, *footer])


def fit(lines: Iterable[str], limit: int = MAX_CHARS) -> str:
    """Join lines, shortening the longest ones when the whole would exceed `limit`."""
    lines = [line for line in lines if line]
    text = "\n".join(lines)
    while len(text) > limit:
        # the heading (the procedure's name) is shortened last: it says what the answer is about
        body = range(1, len(lines)) if len(lines) > 1 and max(len(x) for x in lines[1:]) > 40 else range(len(lines))
        longest = max(body, key=lambda i: len(lines[i]))
        excess = len(text) - limit
        lines[longest] = shorten(lines[longest], max(40, len(lines[longest]) - excess - 1))
        new_text = "\n".join(lines)
        if len(new_text) >= len(text):
            return shorten(new_text, limit)
        text = new_text
    return text


def by_channel(procedure: Procedure, describe) -> str:
    """'X' when every channel has the same value, else 'Nộp trực tiếp: X; nộp trực tuyến: Y'."""
    groups: dict[str, list[Channel]] = {}
    for ch in procedure.channels:
        groups.setdefault(describe(ch), []).append(ch)
    if len(groups) == 1:
        return next(iter(groups))
    parts = []
    for value, channels in groups.items():
        phrases: list[str] = []
        for ch in channels:
            phrase = CHANNEL_PHRASES[ch.kind]
            if phrase not in phrases:
                phrases.append(phrase)
        parts.append(f"{' hoặc '.join(phrases)}: {value}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
